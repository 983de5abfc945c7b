import CHDF5
import Foundation
import SelfAssemble

/// The outcome of a run or of its backpropagation comparison, as stored in /summary and
/// /comparison/bp.
public struct RunOutcome: Equatable, Sendable {
    public var rule: String
    public var steps: Int
    public var finalTestAccuracy: Double
    public var finalTrainAccuracy: Double
    public var testAccuracyByEpoch: [Double]
    /// The step at which learning diverged and the run stopped; nil for a run that went to the end.
    public var divergedAtStep: Int?
}

/// Reads a run file back: the root attributes at once, everything else on demand.
///
/// Every problem with the file (missing, not HDF5, HDF5 but not a run, a newer format,
/// truncated or damaged) is a StoreError with a one-line message; the reader never traps
/// on the contents of a file. A file still being written can be opened: it shows every
/// snapshot completed before it was opened.
public final class RunReader {
    /// The newest format version this reader understands.
    public static let supportedFormatVersion = RunLayout.formatVersion

    public let path: String
    public let formatVersion: Int
    public let softwareVersion: String
    public let seed: UInt64
    public let configurationJSON: String
    public let dataDescription: String
    /// "running" while the writer has not finished (or was interrupted), "complete" after.
    public let status: String
    /// ISO 8601 UTC time at which the file was created.
    public let created: String
    /// The BLAS the run was started with (root attribute `blas`, e.g. "OpenBLAS 0.3.21, core
    /// Cooperlake (detected), 1 thread"); nil in files written before it was recorded.
    public let blas: String?
    /// Completed snapshots: the length of /snapshots/step.
    public let snapshotCount: Int

    /// Internal, for the reading extensions in other files of the store.
    let file: HDF5Handle

    public init(path: String) throws {
        HDF5Diagnostics.silence()
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreError("no such file: \(path); check the path of the run file")
        }
        guard !isDirectory.boolValue else {
            throw StoreError("\(path) is a directory, not a run file; give the path of a .h5 run file")
        }
        let isHDF5 = H5Fis_hdf5(path)
        if isHDF5 < 0 { throw HDF5Diagnostics.error("cannot read \(path): check that it is readable") }
        guard isHDF5 > 0 else {
            throw StoreError("\(path) is not an HDF5 file; expected a selfassemble run file (.h5)")
        }
        file = try HDF5Introspection.openReadOnly(path)

        guard file.hasAttribute(RunLayout.Root.format) else {
            throw StoreError("\(path) is an HDF5 file but not a selfassemble run (it has no '\(RunLayout.Root.format)' attribute)")
        }
        let format: String
        do {
            format = try file.stringAttribute(RunLayout.Root.format, of: path)
        } catch {
            throw StoreError("\(path) is an HDF5 file but not a selfassemble run (its '\(RunLayout.Root.format)' attribute is not a string)")
        }
        guard format == RunLayout.format else {
            throw StoreError("\(path) is an HDF5 file but not a selfassemble run (format is '\(format)', expected '\(RunLayout.format)')")
        }
        let version = try file.integerAttribute(RunLayout.Root.formatVersion, of: path)
        guard version >= 1 else { throw StoreError("\(path) has an invalid format version \(version)") }
        guard version <= Int64(Self.supportedFormatVersion) else {
            throw StoreError("\(path) has run-file format version \(version), but selfassemble \(SelfAssembleVersion.string) reads only version \(Self.supportedFormatVersion): use a newer selfassemble")
        }
        formatVersion = Int(version)
        softwareVersion = try file.stringAttribute(RunLayout.Root.softwareVersion, of: path)
        seed = try file.unsignedAttribute(RunLayout.Root.seed, of: path)
        configurationJSON = try file.stringAttribute(RunLayout.Root.configuration, of: path)
        dataDescription = try file.stringAttribute(RunLayout.Root.data, of: path)
        status = try file.stringAttribute(RunLayout.Root.status, of: path)
        created = try file.stringAttribute(RunLayout.Root.created, of: path)
        blas = file.hasAttribute(RunLayout.Root.blas) ? try file.stringAttribute(RunLayout.Root.blas, of: path) : nil
        let snapshots = try HDF5.openGroup(file, RunLayout.snapshots, in: path)
        let step = try HDF5.openDataset(snapshots, RunLayout.Snapshots.step, in: path)
        let shape = try HDF5.shape(of: step, "/snapshots/step in \(path)")
        guard shape.count == 1 else { throw StoreError("/snapshots/step in \(path) is not one-dimensional") }
        snapshotCount = shape[0]
        // A run being written: its counted snapshots were written before their step, so they
        // lie within the end of the file as it is now (perhaps past its end at opening).
        if status == RunLayout.Status.running { HDF5Introspection.followGrowth(file) }
    }

    /// True once the writer finished the run.
    public var isComplete: Bool { status == RunLayout.Status.complete }

    // MARK: - Snapshots

    /// The step of every snapshot.
    public func steps() throws -> [Int] {
        try series(RunLayout.snapshots, RunLayout.Snapshots.step, as: Int64.self).map { Int($0) }
    }

    /// The phase of every snapshot.
    public func phases() throws -> [Phase] {
        try series(RunLayout.snapshots, RunLayout.Snapshots.phase, as: UInt8.self).map { code in
            guard let phase = Phase(code: code) else {
                throw StoreError("/snapshots/phase in \(path) holds the unknown phase code \(code) (\(RunLayout.Snapshots.phaseLabels))")
            }
            return phase
        }
    }

    /// Learning epochs completed at every snapshot.
    public func epochs() throws -> [Int] {
        try series(RunLayout.snapshots, RunLayout.Snapshots.epoch, as: Int32.self).map { Int($0) }
    }

    // MARK: - Weights

    /// Projection names in the model's order, e.g. ["W_1", "V_1", "Vbar_1", "W_2", ...].
    public func projectionNames() throws -> [String] {
        let group = try HDF5.openGroup(file, RunLayout.projections, in: path)
        return try HDF5.linkNames(group, "/projections in \(path)")
    }

    /// The weights of a projection at snapshot `snapshot` (0-based): target cells x source cells.
    public func weights(_ projection: String, snapshot: Int) throws -> Matrix {
        try matrix(RunLayout.projections, projection, what: "projection", snapshot: snapshot)
    }

    /// The feedback projections the rule owns (/feedback), in storage order; empty for rules
    /// without any and for files written before /feedback existed.
    public func feedbackNames() throws -> [String] {
        guard HDF5.linkExists(file, RunLayout.feedback) else { return [] }
        let group = try HDF5.openGroup(file, RunLayout.feedback, in: path)
        return try HDF5.linkNames(group, "/feedback in \(path)")
    }

    /// A feedback projection at a snapshot (e.g. B_2: n_1 x n_2, target cells x source cells).
    public func feedback(_ name: String, snapshot: Int) throws -> Matrix {
        guard HDF5.linkExists(file, RunLayout.feedback) else {
            throw StoreError("\(path) has no feedback projections (/feedback): its rule has none, or it was written before they were stored")
        }
        return try matrix(RunLayout.feedback, name, what: "feedback projection", snapshot: snapshot)
    }

    /// The stored feedback projections with their shapes (what a continued run appends to).
    public func storedFeedback() throws -> [StoredFeedback] {
        guard HDF5.linkExists(file, RunLayout.feedback) else { return [] }
        let group = try HDF5.openGroup(file, RunLayout.feedback, in: path)
        return try feedbackNames().map { name in
            let what = "/feedback/\(name) in \(path)"
            let shape = try HDF5.shape(of: try HDF5.openDataset(group, name, in: path), what)
            guard shape.count == 3 else { throw StoreError("\(what) is not a series of matrices (shape \(shape))") }
            return StoredFeedback(name: name, rows: shape[1], cols: shape[2], entries: shape[0])
        }
    }

    /// Entry `snapshot` of the matrix series `name` in group `groupName`.
    private func matrix(_ groupName: String, _ name: String, what kind: String, snapshot: Int) throws -> Matrix {
        let group = try HDF5.openGroup(file, groupName, in: path)
        guard HDF5.linkExists(group, name) else {
            let names = (try? HDF5.linkNames(group, "/\(groupName)")) ?? []
            throw StoreError("\(path) has no \(kind) \(name); it has \(names.joined(separator: ", "))")
        }
        let what = "/\(groupName)/\(name) in \(path)"
        let dataset = try HDF5.openDataset(group, name, in: path)
        let (values, shape) = try DatasetIO.readEntry(dataset, index: try checkedSnapshot(snapshot), as: Float.self, what)
        guard shape.count == 2 else { throw StoreError("\(what) is not a series of matrices (entry shape \(shape))") }
        return Matrix(rows: shape[0], cols: shape[1], values: values)
    }

    /// The bias b_l of U_l at a snapshot.
    public func bias(level: Int, snapshot: Int) throws -> [Float] {
        let group = try HDF5.openGroup(file, RunLayout.biases, in: path)
        let name = RunLayout.biasName(level: level)
        let what = "/biases/\(name) in \(path)"
        let dataset = try HDF5.openDataset(group, name, in: path)
        let (values, shape) = try DatasetIO.readEntry(dataset, index: try checkedSnapshot(snapshot), as: Float.self, what)
        guard shape.count == 1 else { throw StoreError("\(what) is not a series of vectors") }
        return values
    }

    /// The circuit's populations sizes, read from /populations.
    public func architecture() throws -> Architecture {
        let group = try HDF5.openGroup(file, RunLayout.populations, in: path)
        let names = try HDF5.linkNames(group, "/populations in \(path)")
        func size(_ name: String) throws -> Int {
            let population = try HDF5.openGroup(group, name, in: path)
            return Int(try population.integerAttribute("size", of: "/populations/\(name) in \(path)"))
        }
        let levels = names.filter { $0.hasPrefix("U_") }.count - 1
        guard levels >= 1 else { throw StoreError("/populations in \(path) lists no levels") }
        let upstream = try (0...levels).map { try size("U_\($0)") }
        let downstream = try (1...levels).map { try size("D_\($0)") }
        let ratios = zip(downstream, upstream.dropFirst()).map { Double($0) / Double($1) }
        let architecture: Architecture
        do {
            architecture = try Architecture(sizes: upstream, ratios: ratios)
        } catch {
            throw StoreError("/populations in \(path) does not describe a valid circuit: \(error)")
        }
        guard architecture.downstreamSizes == downstream else {
            throw StoreError("/populations in \(path) has downstream sizes \(downstream) that no ratio reproduces")
        }
        return architecture
    }

    /// The whole circuit (every projection and bias, and the rule's feedback projections when
    /// the file stores them) at a snapshot.
    public func circuit(snapshot: Int) throws -> Circuit {
        let architecture = try architecture()
        let synapses = try (1...architecture.levels).map { l -> LevelSynapses in
            func matrix(_ kind: ProjectionKind) throws -> Matrix? {
                guard let projection = architecture.projection(kind, level: l) else { return nil }
                let m = try weights(projection.name, snapshot: snapshot)
                guard m.rows == projection.rows && m.cols == projection.cols else {
                    throw StoreError("/projections/\(projection.name) in \(path) is \(m.rows)x\(m.cols), the populations say \(projection.rows)x\(projection.cols)")
                }
                return m
            }
            let b = try bias(level: l, snapshot: snapshot)
            guard b.count == architecture.upstreamSizes[l] else {
                throw StoreError("/biases/b_\(l) in \(path) has \(b.count) values, U_\(l) has \(architecture.upstreamSizes[l]) cells")
            }
            return LevelSynapses(W: try matrix(.W)!, b: b, V: try matrix(.V)!, Vbar: try matrix(.Vbar)!, Wbar: try matrix(.Wbar))
        }
        var feedback = [String: Matrix]()
        for name in try feedbackNames() {
            let m = try self.feedback(name, snapshot: snapshot)
            if let projection = FeedbackProjection(name: name, levels: architecture.levels) {
                let expected = projection.shape(upstreamSizes: architecture.upstreamSizes)
                guard m.rows == expected.rows && m.cols == expected.cols else {
                    throw StoreError("/feedback/\(name) in \(path) is \(m.rows)x\(m.cols), the populations say \(expected.rows)x\(expected.cols)")
                }
            }
            feedback[name] = m
        }
        return Circuit(architecture: architecture, synapses: synapses, feedback: feedback)
    }

    // MARK: - Metrics and outcome

    /// Metric names in storage order (per level, then train_loss, train_accuracy, test_accuracy).
    public func metricNames() throws -> [String] {
        let group = try HDF5.openGroup(file, RunLayout.metrics, in: path)
        return try HDF5.linkNames(group, "/metrics in \(path)")
    }

    /// One value per snapshot (NaN where the metric is not defined at that snapshot).
    public func metric(_ name: String) throws -> [Double] {
        let group = try HDF5.openGroup(file, RunLayout.metrics, in: path)
        guard HDF5.linkExists(group, name) else {
            throw StoreError("\(path) has no metric \(name); it has \(((try? metricNames()) ?? []).joined(separator: ", "))")
        }
        return try series(RunLayout.metrics, name, as: Double.self)
    }

    /// Onset step per level (index l - 1), nil where the motif did not assemble (or the run
    /// did not finish).
    public func onsets() throws -> [Int?] {
        let group = try HDF5.openGroup(file, RunLayout.assembly, in: path)
        let dataset = try HDF5.openDataset(group, RunLayout.Assembly.onsetStep, in: path)
        let (values, shape) = try DatasetIO.readAll(dataset, as: Int64.self, "/assembly/onset_step in \(path)")
        guard shape.count == 1 else { throw StoreError("/assembly/onset_step in \(path) is not one-dimensional") }
        return values.map { $0 < 0 ? nil : Int($0) }
    }

    /// The detector thresholds the run used.
    public func thresholds() throws -> AssemblyThresholds {
        let group = try HDF5.openGroup(file, RunLayout.assembly, in: path)
        let dataset = try HDF5.openDataset(group, RunLayout.Assembly.onsetStep, in: path)
        let what = "/assembly/onset_step in \(path)"
        return AssemblyThresholds(
            reciprocity: try dataset.doubleAttribute("reciprocity", of: what),
            descending: try dataset.doubleAttribute("descending", of: what),
            alignmentH: try dataset.doubleAttribute("alignment_H", of: what),
            consecutive: Int(try dataset.integerAttribute("consecutive", of: what)))
    }

    /// The circuit's own outcome (/summary); nil while the run is not finished.
    public func summary() throws -> RunOutcome? {
        guard HDF5.linkExists(file, RunLayout.summary) else { return nil }
        return try outcome(at: "/" + RunLayout.summary)
    }

    /// The backpropagation comparison (/comparison/bp); nil when the run had none.
    public func comparison() throws -> RunOutcome? {
        let path = "/\(RunLayout.comparison)/\(RunLayout.comparisonBP)"
        guard HDF5.linkExists(file, RunLayout.comparison),
              HDF5.linkExists(try HDF5.openGroup(file, RunLayout.comparison, in: self.path), RunLayout.comparisonBP) else { return nil }
        return try outcome(at: path)
    }

    /// bp at its best weight decay (/comparison/bp_tuned) and that decay; nil when the run had
    /// none (runs without --compare-bp, and files of earlier versions).
    public func tunedComparison() throws -> (outcome: RunOutcome, weightDecay: Double)? {
        let at = "/\(RunLayout.comparison)/\(RunLayout.comparisonTunedBP)"
        guard HDF5.linkExists(file, RunLayout.comparison),
              HDF5.linkExists(try HDF5.openGroup(file, RunLayout.comparison, in: path), RunLayout.comparisonTunedBP) else { return nil }
        let group = try HDF5Handle(H5Gopen2(file.id, at, sa_H5P_DEFAULT()), .group, "cannot open \(at) in \(path)")
        return (try outcome(at: at), try group.doubleAttribute(RunLayout.Summary.weightDecay, of: "\(at) in \(path)"))
    }

    /// What the circuit's inputs were (/data): the normalization that made them from the data
    /// file's values and the classes of the training split; nil for files written before /data.
    public func dataRecord() throws -> (normalization: FeatureNormalization, classesPresent: [Int])? {
        guard HDF5.linkExists(file, RunLayout.DataRecord.group) else { return nil }
        let group = try HDF5.openGroup(file, RunLayout.DataRecord.group, in: path)
        let at = "/\(RunLayout.DataRecord.group)"
        let name = try group.stringAttribute(RunLayout.DataRecord.normalization, of: "\(at) in \(path)")
        guard let method = Normalization(rawValue: name) else {
            throw StoreError("\(at) in \(path) names the unknown normalization '\(name)' (expected one of \(Normalization.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        func vector<T: HDF5Element>(_ dataset: String, as type: T.Type) throws -> [T] {
            let what = "\(at)/\(dataset) in \(path)"
            let (values, shape) = try DatasetIO.readAll(try HDF5.openDataset(group, dataset, in: path), as: type, what)
            guard shape.count == 1 else { throw StoreError("\(what) is not one-dimensional") }
            return values
        }
        let offset = try vector(RunLayout.DataRecord.featureOffset, as: Float.self)
        let scale = try vector(RunLayout.DataRecord.featureScale, as: Float.self)
        guard offset.count == scale.count else {
            throw StoreError("\(at) in \(path) has \(offset.count) offsets but \(scale.count) scales; the file is damaged")
        }
        let classes = try vector(RunLayout.DataRecord.classesPresent, as: Int32.self).map { Int($0) }
        return (FeatureNormalization(method: method, offset: offset, scale: scale), classes)
    }

    // MARK: - Helpers

    private func outcome(at groupPath: String) throws -> RunOutcome {
        let group = try HDF5Handle(H5Gopen2(file.id, groupPath, sa_H5P_DEFAULT()), .group, "cannot open \(groupPath) in \(path)")
        let what = "\(groupPath) in \(path)"
        let dataset = try HDF5.openDataset(group, RunLayout.Summary.testAccuracyByEpoch, in: path)
        let (byEpoch, _) = try DatasetIO.readAll(dataset, as: Double.self, "\(groupPath)/\(RunLayout.Summary.testAccuracyByEpoch) in \(path)")
        return RunOutcome(
            rule: try group.stringAttribute(RunLayout.Summary.rule, of: what),
            steps: Int(try group.integerAttribute(RunLayout.Summary.steps, of: what)),
            finalTestAccuracy: try group.doubleAttribute(RunLayout.Summary.finalTestAccuracy, of: what),
            finalTrainAccuracy: try group.doubleAttribute(RunLayout.Summary.finalTrainAccuracy, of: what),
            testAccuracyByEpoch: byEpoch,
            divergedAtStep: Self.optionalStep(try group.integerAttribute(RunLayout.Summary.divergedAtStep, of: what)))
    }

    private static func optionalStep(_ stored: Int64) -> Int? {
        stored < 0 ? nil : Int(stored)
    }

    /// A per-snapshot series, cut to the completed snapshots (a dataset can be one entry
    /// longer when the writer was interrupted in the middle of a snapshot).
    private func series<T: HDF5Element>(_ groupName: String, _ name: String, as _: T.Type) throws -> [T] {
        let group = try HDF5.openGroup(file, groupName, in: path)
        let what = "/\(groupName)/\(name) in \(path)"
        let dataset = try HDF5.openDataset(group, name, in: path)
        // Only the counted snapshots: a run being written has grown past them meanwhile.
        let values = try DatasetIO.readPrefix(dataset, count: snapshotCount, as: T.self, what)
        guard values.count >= snapshotCount else {
            throw StoreError("\(what) has \(values.count) values for \(snapshotCount) snapshots: the file is damaged")
        }
        return values
    }

    private func checkedSnapshot(_ snapshot: Int) throws -> Int {
        guard snapshot >= 0 && snapshot < snapshotCount else {
            throw StoreError("\(path) has \(snapshotCount) snapshots, no snapshot \(snapshot) (valid: 0...\(max(snapshotCount - 1, 0)))")
        }
        return snapshot
    }
}
