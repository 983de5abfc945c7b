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
    var projections: [(projection: Projection, dataset: ExtendibleDataset<Float>)] = []
    var biases: [ExtendibleDataset<Float>] = []
    var metrics: [ExtendibleDataset<Double>] = []
    var steps: ExtendibleDataset<Int64>?
    var phases: ExtendibleDataset<UInt8>?
    var epochs: ExtendibleDataset<Int32>?
    var checkpoints: StringSeries?

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
        let a = metadata.architecture
        let projectionGroup = try HDF5.openGroup(file, RunLayout.projections, in: path)
        projections = try a.projections.map { projection in
            (projection, try ExtendibleDataset<Float>(opening: projection.name, in: projectionGroup, parentPath: "/projections", file: path))
        }
        let biasGroup = try HDF5.openGroup(file, RunLayout.biases, in: path)
        biases = try (1...a.levels).map {
            try ExtendibleDataset<Float>(opening: RunLayout.biasName(level: $0), in: biasGroup, parentPath: "/biases", file: path)
        }
        let metricGroup = try HDF5.openGroup(file, RunLayout.metrics, in: path)
        metrics = try RunLayout.metricNames(levels: a.levels).map {
            try ExtendibleDataset<Double>(opening: $0, in: metricGroup, parentPath: "/metrics", file: path)
        }
        let snapshotGroup = try HDF5.openGroup(file, RunLayout.snapshots, in: path)
        let step = try ExtendibleDataset<Int64>(opening: RunLayout.Snapshots.step, in: snapshotGroup, parentPath: "/snapshots", file: path)
        phases = try ExtendibleDataset<UInt8>(opening: RunLayout.Snapshots.phase, in: snapshotGroup, parentPath: "/snapshots", file: path)
        epochs = try ExtendibleDataset<Int32>(opening: RunLayout.Snapshots.epoch, in: snapshotGroup, parentPath: "/snapshots", file: path)
        steps = step
        let resume = try HDF5.openGroup(file, RunLayout.Resume.group, in: path)
        let checkpointSeries = try StringSeries(opening: RunLayout.Resume.checkpoint, in: resume, parentPath: "/resume", file: path)
        checkpoints = checkpointSeries
        compressionLevel = 0

        // /snapshots/step is written last in every snapshot: its length counts the complete ones.
        let completed = try step.count(file: path)
        for (_, dataset) in projections { try dataset.truncate(to: completed, file: path) }
        for dataset in biases { try dataset.truncate(to: completed, file: path) }
        for dataset in metrics { try dataset.truncate(to: completed, file: path) }
        try phases?.truncate(to: completed, file: path)
        try epochs?.truncate(to: completed, file: path)
        try checkpointSeries.truncate(to: completed, file: path)
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

    /// Appends one snapshot (weights, biases, metrics, step, phase, epoch) and flushes the
    /// file, so that a reader sees every completed snapshot. The step is written last: a
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
        let index = snapshotCount
        for (projection, dataset) in projections {
            guard let weights = circuit.weights(projection.kind, level: projection.level),
                  weights.rows == projection.rows, weights.cols == projection.cols else {
                throw StoreError("cannot append to \(path): the snapshot has no \(projection.rows)x\(projection.cols) matrix for \(projection.name)")
            }
            try dataset.write(weights.values, at: index, file: path)
        }
        for (l, dataset) in zip(1...levels, biases) {
            try dataset.write(circuit[l].b, at: index, file: path)
        }
        for (value, dataset) in zip(RunLayout.metricValues(snapshot), metrics) {
            try dataset.write([value], at: index, file: path)
        }
        try phases?.write([snapshot.phase.code], at: index, file: path)
        try epochs?.write([Int32(clamping: snapshot.epoch)], at: index, file: path)
        let checkpoint: String
        do {
            checkpoint = try snapshot.checkpoint.json()
        } catch {
            throw StoreError("cannot encode the checkpoint of step \(snapshot.step) for \(path): \(error)")
        }
        try checkpoints?.write(checkpoint, at: index, file: path)
        try steps?.write([Int64(snapshot.step)], at: index, file: path)
        snapshotCount += 1
        try flush()
    }

    /// Writes the outcome (onsets, final and per-epoch test accuracy, the optional
    /// backpropagation comparison), sets `status` to "complete" and closes the file. The
    /// file is closed even when this throws; its status then stays "running".
    public func finish(summary: SimulationSummary, comparison: SimulationSummary?, tunedComparison: TunedBackprop? = nil) throws {
        let file = try openFile("finish")
        defer { close() }
        guard summary.onsets.count == levels else {
            throw StoreError("cannot finish \(path): the summary has \(summary.onsets.count) onsets, the circuit has \(levels) levels")
        }
        let assembly = try HDF5.openGroup(file, RunLayout.assembly, in: path)
        try DatasetIO.writeVector(summary.onsets.map { $0.map(Int64.init) ?? RunLayout.Assembly.notAssembled },
                                  named: RunLayout.Assembly.onsetStep, in: assembly, path: "/assembly/onset_step", file: path)

        let summaryGroup = try HDF5.createGroup(file, RunLayout.summary, in: path)
        try writeOutcome(summary, in: summaryGroup, at: "/summary")
        if let comparison {
            let comparisonGroup = try HDF5.createGroup(file, RunLayout.comparison, in: path)
            let bp = try HDF5.createGroup(comparisonGroup, RunLayout.comparisonBP, in: path)
            try writeOutcome(comparison, in: bp, at: "/comparison/bp")
            if let tuned = tunedComparison {
                let at = "/comparison/\(RunLayout.comparisonTunedBP)"
                let group = try HDF5.createGroup(comparisonGroup, RunLayout.comparisonTunedBP, in: path)
                try writeOutcome(tuned.summary, in: group, at: at)
                try group.setAttribute(RunLayout.Summary.weightDecay, Double(tuned.weightDecay), on: at + " in \(path)")
                try group.setAttribute(RunLayout.Summary.weightDecayGrid, tuned.grid.map { "\($0)" }.joined(separator: ","),
                                       on: at + " in \(path)")
            }
        }
        try file.setAttribute(RunLayout.Root.finished, Self.now(), on: path)
        try file.setAttribute(RunLayout.Root.status, RunLayout.Status.complete, on: path)
        try flush()
        isComplete = true
    }

    /// Closes the file (idempotent). Without `finish`, the file stays a readable run with
    /// `status = "running"`.
    public func close() {
        projections = []
        biases = []
        metrics = []
        steps = nil
        phases = nil
        epochs = nil
        checkpoints = nil
        if let file {
            // Datasets above are released first: HDF5 only really closes a file once no
            // object in it is open.
            _ = H5Fflush(file.id, H5F_SCOPE_LOCAL)
            file.close()
            _ = HDF5Diagnostics.takeLatest()
        }
        file = nil
    }

    private func writeOutcome(_ summary: SimulationSummary, in group: HDF5Handle, at groupPath: String) throws {
        let what = "\(groupPath) in \(path)"
        try group.setAttribute(RunLayout.Summary.finalTestAccuracy, summary.finalTestAccuracy, on: what)
        try group.setAttribute(RunLayout.Summary.finalTrainAccuracy, summary.finalTrainAccuracy, on: what)
        try group.setAttribute(RunLayout.Summary.steps, Int64(summary.steps), on: what)
        try group.setAttribute(RunLayout.Summary.rule, summary.rule.rawValue, on: what)
        try group.setAttribute(RunLayout.Summary.divergedAtStep, Int64(summary.divergedAtStep ?? -1), on: what)
        try DatasetIO.writeVector(summary.testAccuracyByEpoch, named: RunLayout.Summary.testAccuracyByEpoch, in: group,
                                  path: "\(groupPath)/\(RunLayout.Summary.testAccuracyByEpoch)", file: path)
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
