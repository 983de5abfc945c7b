import CHDF5
import Foundation
import SelfAssemble

/// Writes one run into an HDF5 file as it happens: the layout (docs/hdf5-format.md) is
/// created up front, every snapshot is appended and flushed, and `finish` adds the outcome
/// and marks the file complete. A run that is interrupted leaves a readable file with
/// `status = "running"` and every snapshot completed before the interruption.
///
/// Not thread-safe (HDF5's serial library is not): use one writer from one task at a time.
public final class RunWriter {
    public let path: String
    public let metadata: RunMetadata
    /// The deflate level of new weight datasets (0 for a writer that continues a run: the
    /// datasets keep the filters they were created with).
    public let compressionLevel: Int
    /// Snapshots written so far.
    public private(set) var snapshotCount = 0
    /// True once `finish` has succeeded.
    public private(set) var isComplete = false

    var file: HDF5Handle?
    /// The per-snapshot datasets in the order a snapshot is written (the snapshot counter last).
    var series: [(declared: LayoutDataset, dataset: SnapshotSeries)] = []

    var levels: Int { metadata.architecture.levels }

    /// Creates the file and its whole layout (with no snapshots yet).
    /// - Parameters:
    ///   - overwrite: replace an existing file at `path`; when false an existing file is an error.
    ///   - compressionLevel: deflate level 1...9 of weights and biases (with shuffle); 0: none.
    public init(creating path: String, metadata: RunMetadata, overwrite: Bool = true, compressionLevel: Int = 4) throws {
        HDF5Diagnostics.silence()
        self.path = path
        self.metadata = metadata
        self.compressionLevel = compressionLevel
        guard (0...9).contains(compressionLevel) else {
            throw StoreError("compression level must be 0 (none) to 9 (smallest file), got \(compressionLevel)")
        }
        try Self.checkCreatable(path, overwrite: overwrite)

        let fcpl = try HDF5.propertyList(sa_H5P_FILE_CREATE(), "file creation")
        try check(H5Pset_link_creation_order(fcpl.id, sa_H5P_CRT_ORDER_TRACKED() | sa_H5P_CRT_ORDER_INDEXED()),
                  "cannot create \(path)")
        let fapl = try HDF5.propertyList(sa_H5P_FILE_ACCESS(), "file access")
        // No HDF5 file lock: the file is flushed after every snapshot precisely so that
        // another process (inspect, h5py, MATLAB) can read a run while it is written, and a
        // lock held for the whole run would refuse them.
        try check(H5Pset_file_locking(fapl.id, false, true), "cannot create \(path)")
        let flags = overwrite ? sa_H5F_ACC_TRUNC() : sa_H5F_ACC_EXCL()
        let created = H5Fcreate(path, flags, fcpl.id, fapl.id)
        if created < 0 && !overwrite && FileManager.default.fileExists(atPath: path) {
            _ = HDF5Diagnostics.takeLatest()
            throw Self.refusingToOverwrite(path)
        }
        file = try HDF5Handle(created, .file, "cannot create the run file \(path): check that the directory is writable and the disk is not full")
        do {
            try createLayout()
            try flush()
        } catch {
            // A file without its full layout is not a run file: do not leave it behind.
            close()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Opens a run file written earlier, to continue it: every per-snapshot series is cut to
    /// the completed snapshots (a snapshot written half-way when the run was killed is
    /// dropped), and the status goes back to "running". Use ``RunReader`` first to read the
    /// last checkpoint and circuit; close it before this.
    public init(resuming path: String, metadata: RunMetadata) throws {
        HDF5Diagnostics.silence()
        self.path = path
        self.metadata = metadata
        let fapl = try HDF5.propertyList(sa_H5P_FILE_ACCESS(), "file access")
        try check(H5Pset_file_locking(fapl.id, false, true), "cannot open \(path)")
        let file = try HDF5Handle(H5Fopen(path, sa_H5F_ACC_RDWR(), fapl.id), .file,
                                  "cannot open \(path) to continue the run: check that it exists and is writable")
        self.file = file
        compressionLevel = 0
        try openSeries()
        // /snapshots/step is written last in every snapshot: its length counts the complete ones.
        guard let counter = series.last(where: { $0.declared.countsSnapshots }) else {
            throw StoreError("cannot continue \(path): the layout has no snapshot counter")
        }
        let completed = try counter.dataset.count(file: path)
        for (_, dataset) in series { try dataset.truncate(to: completed, file: path) }
        snapshotCount = completed
        try file.setAttribute(RunLayout.Root.status, RunLayout.Status.running, on: path)
        try flush()
    }

    deinit { close() }

    // MARK: - Writing

    /// Marks the file as stopped by a signal after its last snapshot ("interrupted"): it can
    /// be continued with `selfassemble simulate --resume`.
    public func markInterrupted() throws {
        let file = try openFile("mark")
        try file.setAttribute(RunLayout.Root.status, RunLayout.Status.interrupted, on: path)
        try flush()
    }

    /// Appends one snapshot (an entry of every per-snapshot dataset the layout declares:
    /// weights, biases, phase, epoch, metrics, checkpoint, step) and flushes the file, so that
    /// a reader sees every completed snapshot. The step is written last: a
    /// reader counts snapshots by /snapshots/step, so a snapshot interrupted half-way is
    /// not counted. If this throws, the same snapshot can be appended again.
    public func append(_ snapshot: Snapshot) throws {
        _ = try openFile("append a snapshot to")
        let circuit = snapshot.circuit
        guard circuit.architecture == metadata.architecture else {
            throw StoreError("cannot append to \(path): the snapshot's circuit has sizes \(circuit.architecture.upstreamSizes) / \(circuit.architecture.downstreamSizes), the run file was created for \(metadata.architecture.upstreamSizes) / \(metadata.architecture.downstreamSizes)")
        }
        guard Set(snapshot.motif.map(\.level)) == Set(1...levels) && snapshot.motif.count == levels else {
            throw StoreError("cannot append to \(path): the snapshot has motif metrics for levels \(snapshot.motif.map(\.level)), expected 1...\(levels)")
        }
        // Every value first, so that a snapshot that does not fit the layout writes nothing.
        let entries = try series.map { try values(of: $0.declared, at: .snapshot(snapshot), action: "append to") }
        for ((_, dataset), values) in zip(series, entries) {
            guard let values else { continue }
            try dataset.write(values, at: snapshotCount, file: path)
        }
        snapshotCount += 1
        try flush()
    }

    /// Writes the outcome (onsets, final and per-epoch test accuracy, the optional
    /// backpropagation comparison, at the circuit's weight decay and at the best of a grid), sets `status` to "complete" and closes the file. The
    /// file is closed even when this throws; its status then stays "running".
    public func finish(summary: SimulationSummary, comparison: SimulationSummary?, tunedComparison: TunedBackprop? = nil) throws {
        let file = try openFile("finish")
        defer { close() }
        try writeOutcome(RunOutcomes(circuit: summary, comparison: comparison, tuned: tunedComparison), in: file)
        try flush()
        isComplete = true
    }

    /// Closes the file (idempotent). Without `finish`, the file stays a readable run with
    /// `status = "running"`.
    public func close() {
        series = []
        if let file {
            // Datasets above are released first: HDF5 only really closes a file once no
            // object in it is open.
            _ = H5Fflush(file.id, H5F_SCOPE_LOCAL)
            file.close()
            _ = HDF5Diagnostics.takeLatest()
        }
        file = nil
    }

    // MARK: - Helpers

    private func openFile(_ action: String) throws -> HDF5Handle {
        guard let file else {
            throw StoreError(isComplete ? "cannot \(action) \(path): the run is already finished" : "cannot \(action) \(path): the writer is closed")
        }
        return file
    }

    func flush() throws {
        guard let file else { return }
        try check(H5Fflush(file.id, H5F_SCOPE_LOCAL), "cannot flush \(path) to disk (is the disk full?)")
    }

    /// The current time as ISO 8601 in UTC, e.g. 2025-01-31T12:00:00Z.
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
