import SelfAssemble

/// A circuit definition: a named, described ``SimulationConfiguration``.
///
/// The configuration is the part that determines a run; the name and description only say
/// what the definition is for (they are what `selfassemble connectomes` lists). A connectome
/// read from a file holds a fully resolved configuration: every field the file omits has the
/// embedded default's value, and a relative data path has been made absolute.
public struct Connectome: Equatable, Sendable {
    /// A short identifier, conventionally the file's name without `.yaml` (e.g. `digits`).
    public var name: String
    /// One line saying what the circuit is and which result it corresponds to.
    public var description: String
    public var configuration: SimulationConfiguration

    public init(name: String, description: String = "", configuration: SimulationConfiguration = SimulationConfiguration()) {
        self.name = name
        self.description = description
        self.configuration = configuration
    }
}
