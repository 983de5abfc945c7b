/// A learning rule: how a minibatch turns into plasticity of the circuit's synapses.
///
/// Implementations compute only the direction of each update at unit rate; rates, weight
/// decay, synaptic scaling and per-kind plasticity switches are applied by
/// ``Circuit/apply(_:settings:)`` the same way for every rule, so rules differ only in
/// what they compute, and the motif metrics can compare their directions directly.
public protocol LearningRule: Sendable {
    /// The name used on the command line and in files.
    var name: String { get }
    /// The plasticity one minibatch induces (`input`: B x n_0, one label per row).
    func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity
}

/// The learning rules the simulator knows, by name.
public enum RuleKind: String, Sendable, Codable, CaseIterable {
    /// The self-assembled circuit: local heterosynaptic plasticity through the motif.
    case circuit
    /// Exact backpropagation on the same upstream network.
    case bp

    public func makeRule(dynamics: CircuitDynamics, topTeaching: TopTeaching = .apical) -> any LearningRule {
        switch self {
        case .circuit: CircuitRule(dynamics: dynamics, topTeaching: topTeaching)
        case .bp: BackpropRule(dynamics: dynamics)
        }
    }
}
