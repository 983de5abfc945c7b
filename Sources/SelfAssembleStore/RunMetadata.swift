import Foundation
import SelfAssemble

/// What a run file records about the run as a whole (its root attributes, populations,
/// projection shapes and detector thresholds), known before the first snapshot.
public struct RunMetadata: Sendable {
    /// The full resolved configuration as JSON text: enough to repeat the run.
    public var configurationJSON: String
    public var seed: UInt64
    /// Where the data came from, in one line (e.g. the DataSplit description).
    public var dataDescription: String
    public var architecture: Architecture
    public var thresholds: AssemblyThresholds
    /// The resolved circuit definition as YAML (root attribute `connectome`), when known.
    public var connectome: String?
    /// How the raw features became the circuit's inputs, and the classes of the training
    /// split (group /data), when known.
    public var normalization: FeatureNormalization?
    public var classesPresent: [Int]?
    /// The name of the file a partial run replaces once complete (root attribute `replaces`,
    /// in the same directory); set by ``RunWriter`` for a replacement, nil otherwise.
    public var replaces: String?
    /// The feedback projections the learning rule owns (``Circuit/feedback``), stored per
    /// snapshot in /feedback in this order; empty for rules without any, and for files written
    /// before /feedback existed (a continued run of such a file stores none either).
    public var feedback: [StoredFeedback] = []

    public init(configurationJSON: String, seed: UInt64, dataDescription: String, architecture: Architecture, thresholds: AssemblyThresholds) {
        self.configurationJSON = configurationJSON
        self.seed = seed
        self.dataDescription = dataDescription
        self.architecture = architecture
        self.thresholds = thresholds
    }

    /// The metadata of a simulation, with its configuration as JSON (`SimulationConfiguration.json()`).
    public init(simulation: Simulation) throws {
        let json: String
        do {
            json = try simulation.configuration.json()
        } catch {
            throw StoreError("cannot encode the configuration as JSON: \(error)")
        }
        self.init(configurationJSON: json,
                  seed: simulation.configuration.seed,
                  dataDescription: simulation.data.description,
                  architecture: simulation.architecture,
                  thresholds: simulation.configuration.thresholds)
        normalization = simulation.data.normalization
        classesPresent = simulation.data.classesPresent
        feedback = StoredFeedback.of(simulation.circuit)
    }
}

/// A feedback projection a run file stores (/feedback/NAME, float32 [S, rows, cols]).
public struct StoredFeedback: Equatable, Sendable {
    public var name: String
    public var rows: Int
    public var cols: Int
    /// Entries along the snapshot axis, as read from a file (0 for a run not yet written).
    public var entries: Int

    public init(name: String, rows: Int, cols: Int, entries: Int = 0) {
        self.name = name
        self.rows = rows
        self.cols = cols
        self.entries = entries
    }

    /// Every entry of the circuit's feedback, in the order of ``FeedbackProjection/ordered(_:)``.
    public static func of(_ circuit: Circuit) -> [StoredFeedback] {
        FeedbackProjection.ordered(circuit.feedback.keys).map { name in
            let m = circuit.feedback[name]!
            return StoredFeedback(name: name, rows: m.rows, cols: m.cols)
        }
    }
}
