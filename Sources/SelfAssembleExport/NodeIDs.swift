import SelfAssemble

/// Where each cell of the model goes in an export's node populations.
///
/// SONATA identifies a node by (population, node id) with ids 0 ..< size in each population,
/// so the model's groups are laid end to end per stream: population "upstream" holds U_0,
/// U_1, ..., U_L in that order, and "downstream" holds D_1, ..., D_L. Cell i of U_l has node
/// id n_0 + ... + n_{l-1} + i; cell i of D_l has node id m_1 + ... + m_{l-1} + i.
public struct NodeIDs: Equatable, Sendable {
    public static let upstreamPopulation = "upstream"
    public static let downstreamPopulation = "downstream"

    public let architecture: Architecture

    public init(architecture: Architecture) {
        self.architecture = architecture
    }

    /// The SONATA node population of a model group.
    public static func population(of group: Population) -> String {
        group.stream == .upstream ? upstreamPopulation : downstreamPopulation
    }

    /// The node id of the first cell of a group in its population.
    public func offset(of group: Population) -> Int {
        switch group.stream {
        case .upstream: return architecture.upstreamSizes.prefix(group.level).reduce(0, +)
        case .downstream: return architecture.downstreamSizes.prefix(group.level - 1).reduce(0, +)
        }
    }

    /// The node id of cell `cell` of a group.
    public func nodeID(_ group: Population, cell: Int) -> Int { offset(of: group) + cell }

    /// Cells in a node population.
    public func count(_ stream: SelfAssemble.Stream) -> Int {
        stream == .upstream ? architecture.upstreamSizes.reduce(0, +) : architecture.downstreamSizes.reduce(0, +)
    }

    /// The groups of a stream in node-id order.
    public func groups(_ stream: SelfAssemble.Stream) -> [Population] {
        architecture.populations.filter { $0.stream == stream }
    }
}
