/// Exact backpropagation on the upstream network (W_l, b_l): the reference the circuit is
/// compared with. It leaves V, Vbar and Wbar alone.
public struct BackpropRule: LearningRule {
    public let dynamics: CircuitDynamics
    public var name: String { RuleKind.bp.rawValue }

    public init(dynamics: CircuitDynamics = CircuitDynamics()) { self.dynamics = dynamics }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        let up = AscendingActivity(circuit: circuit, input: input, activation: dynamics.upstreamActivation)
        let err = ErrorSignal(logits: up.logits, labels: labels, loss: dynamics.loss)
        let bp = BackpropagatedError(circuit: circuit, ascending: up, error: err.error)
        let levels = (1...circuit.levels).map { l in
            LevelPlasticity(W: BLAS.product(bp.delta[l], transposeA: true, up.h[l - 1], alpha: -1),
                            b: bp.delta[l].columnSums().map { -$0 })
        }
        return Plasticity(levels: levels, loss: err.loss, correct: err.correct, samples: input.rows)
    }
}
