/// Exact backpropagation on the upstream network (W_l, b_l): the reference the circuit is
/// compared with. It leaves V, Vbar and Wbar alone.
public struct BackpropRule: LearningRule {
    public let dynamics: CircuitDynamics
    public var name: String { RuleKind.bp.rawValue }

    public init(dynamics: CircuitDynamics = CircuitDynamics()) { self.dynamics = dynamics }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        let up = AscendingActivity(circuit: circuit, input: input, activation: dynamics.upstreamActivation)
        return plasticity(of: circuit, ascending: up, error: ErrorSignal(logits: up.logits, labels: labels, loss: dynamics.loss))
    }

    /// The same from an ascending pass and its error already computed.
    func plasticity(of circuit: Circuit, ascending up: AscendingActivity, error err: ErrorSignal) -> Plasticity {
        let bp = BackpropagatedError(circuit: circuit, ascending: up, error: err.error)
        return ErrorFeedback.plasticity(deltas: bp.delta, ascending: up, error: err)
    }
}
