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
    }
}
