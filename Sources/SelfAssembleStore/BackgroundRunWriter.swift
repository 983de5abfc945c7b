import Dispatch
import Foundation
import SelfAssemble

/// Writes snapshots on a thread of its own, so that compressing and writing a snapshot
/// overlaps with computing the next steps instead of holding the run up.
///
/// At most `capacity` snapshots wait at a time (a run that outpaces the disk waits instead of
/// filling memory). Every call goes through one serial queue, so the wrapped ``RunWriter``
/// (and HDF5, whose serial build is not thread-safe) is only ever used from one thread. An
/// error of a background write is thrown by the next call. The order of writes, and so the
/// file, is the same as with a ``RunWriter`` used directly.
public final class BackgroundRunWriter: @unchecked Sendable {
    private let writer: RunWriter
    private let queue = DispatchQueue(label: "selfassemble.run-writer")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: Error?
    private var waitedSeconds = 0.0
    private var busySeconds = 0.0

    public var path: String { writer.path }
    /// Where the finished run ends up (see ``RunWriter/destination``).
    public var destination: String { writer.destination }
    /// The file a replacement replaces once complete; nil for a run written in place.
    public var replacing: String? { writer.isReplacement ? writer.destination : nil }
    /// See ``RunWriter/copyOfReplacementOf``.
    public var copyOfReplacementOf: String? { writer.copyOfReplacementOf }
    /// See ``RunWriter/isDamaged``; read after ``close()``.
    public var isDamaged: Bool { queue.sync { writer.isDamaged } }

    public init(_ writer: RunWriter, capacity: Int = 2) {
        self.writer = writer
        slots = DispatchSemaphore(value: max(1, capacity))
    }

    /// Queues a snapshot; waits only while `capacity` snapshots are already queued.
    public func append(_ snapshot: Snapshot) throws {
        try rethrowFailure()
        let started = Date()
        slots.wait()
        lock.withLock { waitedSeconds += Date().timeIntervalSince(started) }
        queue.async { [self] in
            defer { slots.signal() }
            guard lock.withLock({ failure == nil }) else { return }
            let t = Date()
            do {
                try writer.append(snapshot)
            } catch {
                lock.withLock { failure = error }
            }
            lock.withLock { busySeconds += Date().timeIntervalSince(t) }
        }
    }

    /// Waits until every queued snapshot is in the file.
    public func drain() throws {
        queue.sync {}
        try rethrowFailure()
    }

    /// Snapshots in the file so far (after ``drain()``: all of them).
    public var snapshotCount: Int { queue.sync { writer.snapshotCount } }

    /// Time the run spent waiting for a free slot, and time the writer thread spent writing.
    public var seconds: (waited: Double, writing: Double) { lock.withLock { (waitedSeconds, busySeconds) } }

    public func markInterrupted() throws {
        try drain()
        try queue.sync { try writer.markInterrupted() }
    }

    public func finish(summary: SimulationSummary, comparison: SimulationSummary?, tunedComparison: TunedBackprop? = nil) throws {
        try drain()
        try queue.sync { try writer.finish(summary: summary, comparison: comparison, tunedComparison: tunedComparison) }
    }

    public func close() {
        queue.sync { writer.close() }
    }

    private func rethrowFailure() throws {
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
