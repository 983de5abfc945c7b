import SelfAssemble

/// Everything a motif report says, as one value: every number of the Markdown, the JSON and
/// the terminal summary is a field here, computed from the run file by ``make(from:options:progress:)``.
/// Renderers only format it; they compute nothing.
///
/// Encoded as JSON (``ReportJSON``) with snake_case keys. The heatmaps (drawing data, not
/// statistics) are left out of the JSON.
public struct MotifReport: Codable, Sendable {
    /// Identifies the JSON document.
    public var schema = "selfassemble-motif-report"
    /// 2: the key snapshot `end_of_reciprocal_stage` and each onset's phase (`onset_phase`),
    /// for the two stages of development of model version 2.
    public var schemaVersion = 2
    /// The run the report describes.
    public var run: RunDescription
    /// The options the report was made with (the null's seed resolved).
    public var options: ResolvedReportOptions
    /// What the file itself recorded about assembly (/assembly): the run's thresholds and onsets.
    public var fileAssembly: FileAssembly
    /// Step, phase and epoch of every snapshot.
    public var timeline: Timeline
    /// The snapshots the anatomy is measured at: start, end of the reciprocal stage, end of
    /// development (the end of the descending stage, when the run had one), end.
    public var keySnapshots: [KeySnapshot]
    /// Level by level: assembly, motif statistics, spectra, correlations.
    public var levels: [LevelReport]
    /// Every stored metric over the snapshots (null where not defined).
    public var trajectories: [MetricSeries]
    /// Things the reader must know before trusting the numbers (incomplete run, divergence, ...).
    public var warnings: [String]
    /// Normalised Gram matrices for the Figure-3 heatmaps (first and last snapshot). Not encoded.
    public var heatmaps: [GramHeatmap] = []

    enum CodingKeys: String, CodingKey {
        case schema, schemaVersion, run, options, fileAssembly, timeline, keySnapshots, levels, trajectories, warnings
    }

    /// The key snapshot that has a role, if any.
    public func keySnapshot(_ role: SnapshotRole) -> KeySnapshot? {
        keySnapshots.first { $0.roles.contains(role) }
    }
}

/// The run file and its outcome.
public struct RunDescription: Codable, Equatable, Sendable {
    public var path: String
    /// `complete`, or `running` (still being written, or interrupted).
    public var status: String
    public var isComplete: Bool
    public var formatVersion: Int
    public var softwareVersion: String
    public var seed: UInt64
    public var created: String
    public var data: String
    /// n_0 ... n_L.
    public var upstreamSizes: [Int]
    /// m_1 ... m_L.
    public var downstreamSizes: [Int]
    /// Names of levels 1 ... L from the configuration, when it gives them.
    public var levelNames: [String]?
    /// Steps of the reciprocal stage of development, from the configuration (nil if it does not say).
    public var developmentSteps: Int?
    /// Steps of the descending stage of development, from the configuration (nil if it does not
    /// say: files of model version 1, which had no descending stage).
    public var descendingSteps: Int?
    public var snapshots: Int
    public var lastStep: Int
    /// /summary (nil while the run is not finished).
    public var finalTestAccuracy: Double?
    public var finalTrainAccuracy: Double?
    /// /comparison/bp, when the run was compared with backpropagation.
    public var bpFinalTestAccuracy: Double?
    /// /comparison/bp_tuned: backpropagation at its best weight decay from a grid, and that decay
    /// (runs compared with backpropagation by a version that tuned it).
    public var bpTunedFinalTestAccuracy: Double?
    public var bpTunedWeightDecay: Double?
    /// Where learning diverged and the run stopped.
    public var divergedAtStep: Int?
}

/// The report's options with the null's seed resolved.
public struct ResolvedReportOptions: Codable, Equatable, Sendable {
    public var thresholds: AssemblyThresholds
    public var topPercent: Double
    public var nullModel = "relabel"
    public var nullSamples: Int
    public var seed: UInt64
    public var zThreshold: Double
}

/// /assembly/onset_step and its attributes.
public struct FileAssembly: Codable, Equatable, Sendable {
    public var thresholds: AssemblyThresholds
    /// nil where the file says -1 (not assembled, or not finished).
    public var onsetSteps: [Int?]
}

public struct Timeline: Codable, Equatable, Sendable {
    public var steps: [Int]
    /// A ``Phase`` raw value per snapshot: `reciprocal-stage`, `descending-stage` or `learning`.
    public var phases: [String]
    public var epochs: [Int]

    /// The last snapshot of development, either stage (the run records one at exactly its last
    /// step), nil when the run had none.
    public var endOfDevelopment: Int? {
        phases.lastIndex { Phase(rawValue: $0)?.isDevelopment ?? false }
    }

    /// The last snapshot of the reciprocal stage, nil when the run had none.
    public var endOfReciprocalStage: Int? { phases.lastIndex(of: Phase.reciprocalStage.rawValue) }

    /// The last snapshot of the descending stage, nil when the run had none (files of model
    /// version 1, runs with `--descending-steps 0`).
    public var endOfDescendingStage: Int? { phases.lastIndex(of: Phase.descendingStage.rawValue) }

    /// The phase of a snapshot; nil for a name this version does not know.
    public func phase(_ snapshot: Int) -> Phase? { Phase(rawValue: phases[snapshot]) }
}

/// Why a snapshot is analysed.
public enum SnapshotRole: String, Codable, Sendable, CaseIterable {
    /// The first snapshot: the random initial circuit.
    case start
    /// The last snapshot of the reciprocal stage of development: what the Hebbian stage built
    /// (V and Vbar). In a run without a descending stage (model version 1) it is also the end
    /// of development.
    case endOfReciprocalStage = "end_of_reciprocal_stage"
    /// The last development snapshot, of either stage: what spontaneous activity built. Its
    /// meaning is the same in every file: the end of all development, the step learning starts
    /// from (in model version 2, the end of the descending stage).
    case endOfDevelopment = "end_of_development"
    /// The last completed snapshot: what learning built (or, in an incomplete run, the latest state).
    case end

    public var words: String {
        switch self {
        case .start: "start"
        case .endOfReciprocalStage: "end of reciprocal stage"
        case .endOfDevelopment: "end of development"
        case .end: "end"
        }
    }
}

public struct KeySnapshot: Codable, Equatable, Sendable {
    public var snapshot: Int
    public var step: Int
    public var phase: String
    public var epoch: Int
    /// Several roles when they fall on the same snapshot (e.g. a run without development, or
    /// the end of the reciprocal stage in a run without a descending stage).
    public var roles: [SnapshotRole]

    public var words: String { roles.map(\.words).joined(separator: " = ") }
}

/// One stored metric over the snapshots.
public struct MetricSeries: Codable, Equatable, Sendable {
    public var name: String
    /// The level of a per-level metric (`reciprocity_2` -> 2); nil for the whole circuit.
    public var level: Int?
    /// One value per snapshot; nil where the file holds NaN (not defined there).
    public var values: [Double?]
}

/// Everything the report says about one level.
public struct LevelReport: Codable, Sendable {
    public var level: Int
    public var name: String?
    public var assembly: LevelAssembly
    /// At each key snapshot, in order.
    public var motifs: [LevelMotifStatistics]
    /// W_l and Vbar_l at each key snapshot.
    public var spectra: [SingularSpectrum]
    /// W_l W_l^T and Vbar_l Vbar_l^T at each key snapshot.
    public var correlations: [GramSummary]

    public func motifs(at role: SnapshotRole) -> LevelMotifStatistics? {
        motifs.first { $0.roles.contains(role) }
    }
}

/// How many synapses of a projection were kept, and where the cut fell.
public struct KeptSynapses: Codable, Equatable, Sendable {
    public var projection: String
    public var synapses: Int
    public var kept: Int
    /// The smallest kept magnitude.
    public var threshold: Double
    /// The largest magnitude (a runaway circuit shows here).
    public var largestMagnitude: Double
}

/// The signed four-synapse motif count and its null.
public struct FourSynapseStatistic: Codable, Equatable, Sendable {
    /// Positive-cycle motifs minus negative-cycle motifs, against the null.
    public var signed: CountStatistic
    /// Motifs of either sign.
    public var all: Int
    public var positive: Int
    public var negative: Int
    /// Motifs of either sign a null sample holds on average (exact expectation).
    public var nullExpectedAll: Double
}

/// The anatomy of one level at one snapshot.
public struct LevelMotifStatistics: Codable, Equatable, Sendable {
    public var level: Int
    public var snapshot: Int
    public var step: Int
    public var roles: [SnapshotRole]
    public var kept: [KeptSynapses]
    public var reciprocalPairs: CountStatistic
    /// nil at level 1 (no Wbar_1).
    public var fourSynapseMotifs: FourSynapseStatistic?
    public var reciprocalPairsOverRepresented: Bool
    public var fourSynapseMotifsOverRepresented: Bool?
    /// The level's motif is over-represented: its reciprocal pairs and (from level 2) its
    /// four-synapse motifs both are. Loops closed on chance pairs are not the motif.
    public var motifOverRepresented: Bool
    /// Fewer than 10 pairs or motifs expected under the null: the null is far from normal
    /// and a z-score says little (typically the top level, with as many cells as classes).
    public var smallCounts: Bool
}
