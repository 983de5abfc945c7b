import CHDF5
import Foundation
import SelfAssemble

/// Writes one run into an HDF5 file as it happens: the layout (docs/hdf5-format.md) is
/// created up front, every snapshot is appended and flushed, and `finish` adds the outcome
/// and marks the file complete. A run that is interrupted leaves a readable file with
/// `status = "running"` and every snapshot completed before the interruption.
///
/// A run that replaces an existing file never touches that file before it has succeeded: it
/// is written to a sibling, `FILE.partial`, which `finish` renames over FILE (atomically, on
/// the same file system). Until then FILE is what it was, and a reader holding it open keeps
/// reading it; a killed or failed replacement leaves FILE as it was and the partial run in
/// `FILE.partial`, which `RunWriter(resuming:)` continues and, when it finishes, renames over FILE.
///
/// Not thread-safe (HDF5's serial library is not): use one writer from one task at a time.
public final class RunWriter {
    /// The file being written: `destination`, or `destination.partial` for a replacement.
    public let path: String
    /// Where the finished run ends up: `path`, or the file a replacement replaces.
    public let destination: String
    public let metadata: RunMetadata
    /// The deflate level of new weight datasets (0 for a writer that continues a run: the
    /// datasets keep the filters they were created with).
    public let compressionLevel: Int
    /// Snapshots written so far.
    public private(set) var snapshotCount = 0
    /// True once `finish` has succeeded.
    public private(set) var isComplete = false

    /// True once HDF5 failed while writing (a full disk, a file-size limit, an I/O error):
    /// what the file on disk holds of the last snapshot or flush is unknown. The writer stops,
    /// and its HDF5 objects are abandoned rather than closed (see ``abandon()``).
    public internal(set) var isDamaged = false

    /// True for a run written beside the file it replaces once complete.
    public var isReplacement: Bool { destination != path }

    /// For a continued run that was started to replace a file but is not at that file's
    /// FILE.partial (a copy, or a partial run renamed): the file it would have replaced, which
    /// it leaves as it is (it completes in place, under its own name). nil otherwise.
    public let copyOfReplacementOf: String?

    var file: HDF5Handle?
    /// Held from opening to closing: no second writer touches this file meanwhile.
    private var lock: RunFileLock?
    /// The per-snapshot datasets in the order a snapshot is written (the snapshot counter last).
    var series: [(declared: LayoutDataset, dataset: SnapshotSeries)] = []

    var levels: Int { metadata.architecture.levels }

    /// The deflate level of `simulate`, `compare` and `sweep` when none is asked for: 0, no
    /// filters. Random and trained float32 weights barely compress: on a 2-epoch MNIST run
    /// (784,256,256,10, a snapshot every 100 steps) shuffle + deflate level 1 made the file 14%
    /// smaller (285 against 331 MB) for 50% more CPU time of the whole run, and the writer's
    /// thread could not keep up with the run even on a free core (benchmarks/snapshots).
    public static let defaultCompressionLevel = 0

    /// Creates the file and its whole layout (with no snapshots yet).
    /// - Parameters:
    ///   - destination: the run file. If it exists (and `overwrite` allows replacing it), the
    ///     run is written to `destination.partial` and replaces it when `finish` succeeds.
    ///   - overwrite: replace an existing file at `destination`; when false an existing file is an error.
    ///   - compressionLevel: deflate level 1...9 of weights and biases (with shuffle); 0: none.
    /// - Throws: StoreError naming the path and the fix (existing file, existing partial run,
    ///   missing or read-only directory, full disk).
    public init(creating destination: String, metadata: RunMetadata, overwrite: Bool = true, compressionLevel: Int = 4) throws {
        HDF5Diagnostics.silence()
        guard (0...9).contains(compressionLevel) else {
            throw StoreError("compression level must be 0 (none) to 9 (smallest file), got \(compressionLevel)")
        }
        try Self.checkCreatable(destination, overwrite: overwrite)
        let target = Self.replacedFile(destination)
        let replacing = target != nil
        self.destination = target ?? destination
        path = target.map(Self.partialPath(replacing:)) ?? destination
        var metadata = metadata
        metadata.replaces = target.map { URL(fileURLWithPath: $0).lastPathComponent }
        self.metadata = metadata
        self.compressionLevel = compressionLevel
        copyOfReplacementOf = nil
        if replacing, FileManager.default.fileExists(atPath: path) { throw Self.partialRunExists(path, replacing: self.destination) }

        let fcpl = try HDF5.propertyList(sa_H5P_FILE_CREATE(), "file creation")
        try check(H5Pset_link_creation_order(fcpl.id, sa_H5P_CRT_ORDER_TRACKED() | sa_H5P_CRT_ORDER_INDEXED()),
                  "cannot create \(path)")
        let fapl = try HDF5.propertyList(sa_H5P_FILE_ACCESS(), "file access")
        // No HDF5 file lock: the file is flushed after every snapshot precisely so that
        // another process (inspect, h5py, MATLAB) can read a run while it is written, and a
        // lock held for the whole run would refuse them.
        try check(H5Pset_file_locking(fapl.id, false, true), "cannot create \(path)")
        // Never truncating: a new file, or the partial run beside the file it replaces.
        let created = H5Fcreate(path, sa_H5F_ACC_EXCL(), fcpl.id, fapl.id)
        if created < 0 {
            let failure = HDF5Diagnostics.error("cannot create the run file \(path)")
            // Another process created the path since it was checked: its file, not to touch.
            if Self.systemReason(failure) == String(cString: strerror(EEXIST)) {
                throw replacing ? Self.partialRunExists(path, replacing: self.destination) : Self.refusingToOverwrite(path)
            }
            // The path was free: what the failed creation left (an empty file, when the disk
            // has no room for HDF5's first bytes) is this writer's, and goes.
            try? FileManager.default.removeItem(atPath: path)
            throw Self.creationFailure(failure, path: path)
        }
        file = try HDF5Handle(created, .file, "cannot create the run file \(path)")
        do {
            lock = try RunFileLock(path: path, action: "write")
        } catch {
            close()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        do {
            try writing("creating \(path)") {
                try createLayout()
                try flush()
            }
        } catch {
            // A file without its full layout is not a run file: do not leave it behind.
            close()
            try? FileManager.default.removeItem(atPath: path)
            throw (error as? StoreError).map { Self.creationFailure($0, path: path) } ?? error
        }
    }

    /// Opens a run file written earlier, to continue it: every per-snapshot series is cut to
    /// the completed snapshots (a snapshot written half-way when the run was killed is
    /// dropped), and the status goes back to "running". Use ``RunReader`` first to read the
    /// last checkpoint and circuit (``RunReader/resumePoint()``); close it before this. A
    /// partial run (`metadata.replaces` set) replaces its file when `finish` succeeds.
    public init(resuming path: String, metadata: RunMetadata) throws {
        HDF5Diagnostics.silence()
        self.path = path
        self.metadata = metadata
        // A partial run finishes by replacing the file it was started to replace, but only
        // from that file's own FILE.partial: a copy of it (cp run.h5.partial copy.h5), resumed,
        // would otherwise rename itself over FILE, which the user never asked of the copy.
        let replaced = metadata.replaces.map { Self.sibling(of: path, named: $0) }
        let ownPartial = metadata.replaces.map { Self.partialPath(replacing: $0) == URL(fileURLWithPath: path).lastPathComponent } ?? false
        destination = ownPartial ? replaced! : path
        copyOfReplacementOf = ownPartial ? nil : replaced
        try Self.checkContinuable(path, replacing: ownPartial ? destination : nil)
        lock = try RunFileLock(path: path, action: "continue")
        let fapl = try HDF5.propertyList(sa_H5P_FILE_ACCESS(), "file access")
        try check(H5Pset_file_locking(fapl.id, false, true), "cannot open \(path)")
        let file = try HDF5Handle(H5Fopen(path, sa_H5F_ACC_RDWR(), fapl.id), .file,
                                  "cannot open \(path) to continue the run: check that it exists and is writable")
        self.file = file
        compressionLevel = 0
        // A run killed during a flush can leave metadata written past the end of file that
        // its superblock records. Allocating from that stale end would put new metadata over
        // it, and the next flush fails ("addr overflow") or overwrites what the file still
        // refers to; the physical end leaves those bytes allocated (at most the room of one
        // snapshot is lost). Seen in kill -9 tests about once in 30 kills during flushes.
        try HDF5Introspection.takePhysicalEnd(file, "cannot open \(path) to continue the run")
        try openSeries()
        // /snapshots/step is written last in every snapshot: its length counts the complete ones.
        guard let counter = series.last(where: { $0.declared.countsSnapshots }) else {
            throw StoreError("cannot continue \(path): the layout has no snapshot counter")
        }
        let completed = try counter.dataset.count(file: path)
        try reserveRoom(Self.roomForMetadata, while: "continuing \(path)")
        try writing("continuing \(path)") {
            for (_, dataset) in series { try dataset.truncate(to: completed, file: path) }
            try file.setAttribute(RunLayout.Root.status, RunLayout.Status.running, on: path)
            try flush()
        }
        snapshotCount = completed
    }

    deinit { close() }

    // MARK: - Writing

    /// Marks the file as stopped by a signal after its last snapshot ("interrupted"): it can
    /// be continued with `selfassemble simulate --resume`.
    public func markInterrupted() throws {
        HDF5Diagnostics.silence()
        let file = try openFile("mark")
        try reserveRoom(Self.roomForMetadata, while: "marking \(path) as interrupted")
        try writing("marking \(path) as interrupted") {
            try file.setAttribute(RunLayout.Root.status, RunLayout.Status.interrupted, on: path)
            try flush()
        }
    }

    /// Appends one snapshot (an entry of every per-snapshot dataset the layout declares:
    /// weights, biases, phase, epoch, metrics, checkpoint, step) and flushes the file, so that
    /// a reader sees every completed snapshot. The step is written last: a reader counts
    /// snapshots by /snapshots/step, so a snapshot interrupted half-way is not counted.
    ///
    /// A snapshot that does not fit the run, or for which the disk has no room (see
    /// ``reserveRoom(for:index:)``), throws before anything is written: the file stays a
    /// complete run of the snapshots before, and the writer can still be closed cleanly. If
    /// HDF5 fails while writing, the writer stops (``isDamaged``).
    public func append(_ snapshot: Snapshot) throws {
        HDF5Diagnostics.silence()
        _ = try openFile("append a snapshot to")
        let circuit = snapshot.circuit
        guard circuit.architecture == metadata.architecture else {
            throw StoreError("cannot append to \(path): the snapshot's circuit has sizes \(circuit.architecture.upstreamSizes) / \(circuit.architecture.downstreamSizes), the run file was created for \(metadata.architecture.upstreamSizes) / \(metadata.architecture.downstreamSizes)")
        }
        guard Set(snapshot.motif.map(\.level)) == Set(1...levels) && snapshot.motif.count == levels else {
            throw StoreError("cannot append to \(path): the snapshot has motif metrics for levels \(snapshot.motif.map(\.level)), expected 1...\(levels)")
        }
        let declaredFeedback = metadata.feedback.map(\.name)
        // A file written before /feedback existed is continued without it.
        guard declaredFeedback.isEmpty || Set(circuit.feedback.keys) == Set(declaredFeedback) else {
            throw StoreError("cannot append to \(path): the snapshot's circuit has the feedback projections \(FeedbackProjection.ordered(circuit.feedback.keys)), the run file stores \(declaredFeedback)")
        }
        // Every value first, so that a snapshot that does not fit the layout writes nothing.
        let entries = try series.map { try values(of: $0.declared, at: .snapshot(snapshot), action: "append to") }
        try reserveRoom(for: entries, index: snapshotCount)
        try writing("writing snapshot \(snapshotCount) of \(path)") {
            for (i, ((declared, dataset), values)) in zip(series, entries).enumerated() {
                guard let values else { continue }
                // The snapshot counter is the commit mark: everything else of the snapshot,
                // the checkpoint strings in HDF5's global heap included (HDF5 keeps them in its
                // metadata cache until a flush), reaches the file before it. Without this flush
                // a kill -9 could leave a counted snapshot whose checkpoint was never written.
                if i == series.count - 1 && declared.countsSnapshots { try flush() }
                try dataset.write(values, at: snapshotCount, file: path)
            }
            try flush()
        }
        snapshotCount += 1
    }

    /// Writes the outcome (onsets, final and per-epoch test accuracy, the optional
    /// backpropagation comparison, at the circuit's weight decay and at the best of a grid), sets
    /// `status` to "complete" and closes the file; a replacement then renames it over
    /// `destination`. The file is closed even when this throws; its status then stays "running".
    public func finish(summary: SimulationSummary, comparison: SimulationSummary?, tunedComparison: TunedBackprop? = nil) throws {
        HDF5Diagnostics.silence()
        let file = try openFile("finish")
        do {
            // The outcome: a few groups and attributes, and accuracies per epoch (three runs at most).
            let epochs = summary.testAccuracyByEpoch.count + (comparison?.testAccuracyByEpoch.count ?? 0) * 2
            try reserveRoom(Self.roomForMetadata * 4 + 8 * epochs, while: "finishing \(path)")
            try writing("finishing \(path)") {
                try writeOutcome(RunOutcomes(circuit: summary, comparison: comparison, tunedComparison: tunedComparison), in: file)
                if metadata.replaces != nil { try file.deleteAttribute(RunLayout.Root.replaces, of: path) }
                try flush()
            }
        } catch {
            close()
            throw error
        }
        close()
        isComplete = true
        if isReplacement { try replaceDestination() }
    }

    /// Closes the file (idempotent). Without `finish`, the file stays a readable run with
    /// `status = "running"`. A damaged writer's file is left to the operating system (see
    /// ``isDamaged``).
    public func close() {
        HDF5Diagnostics.silence()
        // Datasets first: HDF5 only really closes a file once no object in it is open.
        series = []
        if let file, !isDamaged {
            // A file whose last flush fails cannot be closed safely either (see abandon()).
            if H5Fflush(file.id, H5F_SCOPE_LOCAL) < 0 {
                abandon()
            } else {
                file.close()
                self.file = nil
                Self.releaseUnusedRoom(path)
            }
            _ = HDF5Diagnostics.takeLatest()
        }
        file = nil
        lock = nil
    }

    // MARK: - Helpers

    private func openFile(_ action: String) throws -> HDF5Handle {
        if isDamaged { throw StoreError("cannot \(action) \(path): writing it failed before") }
        guard let file else {
            throw StoreError(isComplete ? "cannot \(action) \(path): the run is already finished" : "cannot \(action) \(path): the writer is closed")
        }
        return file
    }

    func flush() throws {
        guard let file else { return }
        try check(H5Fflush(file.id, H5F_SCOPE_LOCAL), "cannot flush \(path) to disk")
    }

    /// The current time as ISO 8601 in UTC, e.g. 2025-01-31T12:00:00Z.
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
