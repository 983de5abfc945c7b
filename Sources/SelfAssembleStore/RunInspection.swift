import Foundation
import SelfAssemble

/// What a user asks of a run file first, read once into one value: format, configuration,
/// seed, whether the run finished, the populations and projections with their shapes, the
/// learning rule's feedback projections, the snapshots, the last value of every metric, the assembly onsets and the outcome.
///
/// It is Codable so that `selfassemble inspect --json` and scripts get exactly the fields the
/// text shows; the report and export code read runs through the same value. NaN metric values
/// (undefined at that snapshot) are nil, which JSON can carry.
public struct RunInspection: Equatable, Sendable, Codable {
    public struct PopulationInfo: Equatable, Sendable, Codable {
        public var name: String
        public var stream: String
        public var level: Int
        public var size: Int
    }

    public struct ProjectionInfo: Equatable, Sendable, Codable {
        public var name: String
        public var kind: String
        public var level: Int
        public var source: String
        public var target: String
        public var compartment: String
        /// Target cells (rows) and source cells (columns) of one snapshot's matrix.
        public var rows: Int
        public var cols: Int
    }

    /// A feedback projection the learning rule owns (/feedback/NAME; ``FeedbackProjection``).
    public struct FeedbackInfo: Equatable, Sendable, Codable {
        public var name: String
        /// What the name says, for names the rules of this version use; nil otherwise.
        public var kind: String?
        public var level: Int?
        /// "pathway", "magnitudes" or "bias".
        public var role: String?
        /// The source population (nil for a bias), e.g. "U_2".
        public var source: String?
        public var target: String?
        public var meaning: String?
        /// Target cells (rows) and source cells (columns) of one snapshot's matrix.
        public var rows: Int
        public var cols: Int
        /// The completed snapshots that hold it (every one, in a file selfassemble wrote).
        public var snapshots: Int

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(kind, forKey: .kind)
            try c.encode(level, forKey: .level)
            try c.encode(role, forKey: .role)
            try c.encode(source, forKey: .source)
            try c.encode(target, forKey: .target)
            try c.encode(meaning, forKey: .meaning)
            try c.encode(rows, forKey: .rows)
            try c.encode(cols, forKey: .cols)
            try c.encode(snapshots, forKey: .snapshots)
        }
    }

    public struct SnapshotInfo: Equatable, Sendable, Codable {
        public var count: Int
        public var steps: [Int]
        /// A ``Phase`` raw value per snapshot: "reciprocal-stage", "descending-stage" (the two
        /// stages of development) or "learning".
        public var phases: [String]
        public var epochs: [Int]
    }

    public struct MetricValue: Equatable, Sendable, Codable {
        public var name: String
        /// The value at the last snapshot; nil where it is not defined (NaN).
        public var value: Double?

        /// Writes `"value": null` rather than leaving the key out, so that scripts find it.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(value, forKey: .value)
        }
    }

    public struct Onset: Equatable, Sendable, Codable {
        public var level: Int
        /// The step at which the motif assembled; nil where it did not (or not yet).
        public var step: Int?

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(level, forKey: .level)
            try container.encode(step, forKey: .step)
        }
    }

    /// What the circuit's inputs were (/data): input = (raw - featureOffset) / featureScale.
    public struct Inputs: Equatable, Sendable, Codable {
        /// zscore, minmax, none or pixels.
        public var normalization: String
        public var featureOffset: [Float]
        public var featureScale: [Float]
        /// The labels with training samples, ascending.
        public var classesPresent: [Int]
    }

    public struct Outcome: Equatable, Sendable, Codable {
        public var rule: String
        public var steps: Int
        public var finalTestAccuracy: Double?
        public var finalTrainAccuracy: Double?
        public var divergedAtStep: Int?
        public var testAccuracyByEpoch: [Double?]
        /// Of the tuned comparison (/comparison/bp_tuned): the weight decay bp was best at.
        public var weightDecay: Double?

        init(_ outcome: RunOutcome, weightDecay: Double? = nil) {
            self.weightDecay = weightDecay
            rule = outcome.rule
            steps = outcome.steps
            finalTestAccuracy = RunInspection.defined(outcome.finalTestAccuracy)
            finalTrainAccuracy = RunInspection.defined(outcome.finalTrainAccuracy)
            divergedAtStep = outcome.divergedAtStep
            testAccuracyByEpoch = outcome.testAccuracyByEpoch.map(RunInspection.defined)
        }
    }

    public var file: String
    public var format: String
    public var formatVersion: Int
    public var softwareVersion: String
    public var seed: UInt64
    /// "running", "complete" or "interrupted".
    public var status: String
    /// The status in words, as `validate` says it (``RunCondition``): a `running` file that no
    /// process writes any more was killed; a complete run that diverged says where.
    public var condition: String
    public var isComplete: Bool
    public var created: String
    public var finished: String?
    public var data: String
    /// nil for files written before /data existed.
    public var inputs: Inputs?
    /// The stored configuration, parsed; nil if it is not valid JSON (then see configurationJSON).
    public var configuration: JSONValue?
    /// The stored configuration as written (JSON text).
    public var configurationJSON: String
    public var levels: Int
    public var populations: [PopulationInfo]
    public var projections: [ProjectionInfo]
    /// The rule's feedback projections (/feedback), in storage order; empty for rules without
    /// any and for files written before they were stored.
    public var feedback: [FeedbackInfo]
    public var snapshots: SnapshotInfo
    /// Every metric's value at the last snapshot, in storage order (empty with no snapshot).
    public var lastMetrics: [MetricValue]
    public var thresholds: AssemblyThresholds
    public var onsets: [Onset]
    public var summary: Outcome?
    public var comparison: Outcome?
    /// bp at its best weight decay from a grid (/comparison/bp_tuned), with that `weightDecay`;
    /// nil for runs without it.
    public var tunedComparison: Outcome?

    /// Reads everything from an open run file. Throws the reader's StoreError (one line)
    /// when part of the file cannot be read.
    public init(reader: RunReader) throws {
        file = reader.path
        format = RunLayout.format
        formatVersion = reader.formatVersion
        softwareVersion = reader.softwareVersion
        seed = reader.seed
        status = reader.status
        isComplete = reader.isComplete
        condition = RunCondition(path: reader.path, status: reader.status, divergedAtStep: try reader.summary()?.divergedAtStep)
            .phrase(path: reader.path)
        created = reader.created
        finished = Self.optionalRootString(RunLayout.Root.finished, path: reader.path)
        data = reader.dataDescription
        inputs = try reader.dataRecord().map {
            Inputs(normalization: $0.normalization.method.rawValue, featureOffset: $0.normalization.offset,
                   featureScale: $0.normalization.scale, classesPresent: $0.classesPresent)
        }
        configurationJSON = reader.configurationJSON
        configuration = JSONValue(parsing: reader.configurationJSON)

        let architecture = try reader.architecture()
        levels = architecture.levels
        populations = architecture.populations.map {
            PopulationInfo(name: $0.name, stream: $0.stream.rawValue, level: $0.level, size: $0.size)
        }
        projections = architecture.projections.map {
            ProjectionInfo(name: $0.name, kind: $0.kind.rawValue, level: $0.level, source: $0.source.name,
                           target: $0.target.name, compartment: $0.compartment.rawValue, rows: $0.rows, cols: $0.cols)
        }
        feedback = try reader.storedFeedback().map { stored in
            let described = FeedbackProjection(name: stored.name, levels: architecture.levels)
            return FeedbackInfo(name: stored.name, kind: described?.kind, level: described?.level, role: described?.role.rawValue,
                                source: described?.sourceLevel.map { "U_\($0)" }, target: described.map { "U_\($0.targetLevel)" },
                                meaning: described?.meaning, rows: stored.rows, cols: stored.cols,
                                snapshots: min(stored.entries, reader.snapshotCount))
        }
        snapshots = SnapshotInfo(count: reader.snapshotCount, steps: try reader.steps(),
                                 phases: try reader.phases().map(\.rawValue), epochs: try reader.epochs())
        let last = reader.snapshotCount - 1
        lastMetrics = try reader.metricNames().map { name in
            MetricValue(name: name, value: last >= 0 ? Self.defined(try reader.metric(name)[last]) : nil)
        }
        thresholds = try reader.thresholds()
        onsets = try reader.onsets().enumerated().map { Onset(level: $0.offset + 1, step: $0.element) }
        summary = try reader.summary().map { Outcome($0) }
        comparison = try reader.comparison().map { Outcome($0) }
        tunedComparison = try reader.tunedComparison().map { Outcome($0.outcome, weightDecay: $0.weightDecay) }
    }

    /// Every key is written, optional ones as null (a run still being written has no summary,
    /// and `inspect --json` users should not need to test for missing keys).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(format, forKey: .format)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(softwareVersion, forKey: .softwareVersion)
        try c.encode(seed, forKey: .seed)
        try c.encode(status, forKey: .status)
        try c.encode(condition, forKey: .condition)
        try c.encode(isComplete, forKey: .isComplete)
        try c.encode(created, forKey: .created)
        try c.encode(finished, forKey: .finished)
        try c.encode(data, forKey: .data)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(configuration, forKey: .configuration)
        try c.encode(configurationJSON, forKey: .configurationJSON)
        try c.encode(levels, forKey: .levels)
        try c.encode(populations, forKey: .populations)
        try c.encode(projections, forKey: .projections)
        try c.encode(feedback, forKey: .feedback)
        try c.encode(snapshots, forKey: .snapshots)
        try c.encode(lastMetrics, forKey: .lastMetrics)
        try c.encode(thresholds, forKey: .thresholds)
        try c.encode(onsets, forKey: .onsets)
        try c.encode(summary, forKey: .summary)
        try c.encode(comparison, forKey: .comparison)
        try c.encode(tunedComparison, forKey: .tunedComparison)
    }

    /// Opens `path` and reads it.
    public init(path: String) throws {
        try self.init(reader: try RunReader(path: path))
    }

    /// The step of the last snapshot, nil with no snapshot.
    public var lastStep: Int? { snapshots.steps.last }

    static func defined(_ value: Double) -> Double? { value.isNaN ? nil : value }

    /// A root string attribute the reader does not expose (`finished`), nil when absent.
    private static func optionalRootString(_ name: String, path: String) -> String? {
        guard let file = try? HDF5Introspection.openFile(path), file.hasAttribute(name) else { return nil }
        return try? file.stringAttribute(name, of: path)
    }

    /// Pretty-printed JSON with sorted keys: stable output for scripts and tests.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            throw StoreError("cannot encode the inspection of \(file) as JSON: \(error)")
        }
    }
}
