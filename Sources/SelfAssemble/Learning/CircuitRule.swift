/// The circuit's own learning rule: every update is local, post x pre of the synapse's two
/// groups, with the apical input setting the change at the basal synapses (heterosynaptic):
///
///     dW_l    = -a_l h_{l-1}^T     (top level: -d_L h_{L-1}^T, the error module's output)
///     db_l    = -a_l
///     dWbar_l = -h_{l-1} g_l^T     (post: U_{l-1}'s rate; pre: D_l's activity)
///     dV_l    = +g_l d_l^T,  dVbar_l = +d_l g_l^T
///
/// summed over the batch. Once V_l = Vbar_l^T and Wbar_l V_l = W_l^T, d_l is exactly
/// backpropagation's error and dW_l = -H_l grad_{W_l} with H_l = Vbar_l Vbar_l^T.
public struct CircuitRule: LearningRule {
    public let dynamics: CircuitDynamics
    public var name: String { RuleKind.circuit.rawValue }

    public init(dynamics: CircuitDynamics = CircuitDynamics()) {
        self.dynamics = dynamics
    }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        let up = AscendingActivity(circuit: circuit, input: input, activation: dynamics.upstreamActivation)
        let err = ErrorSignal(logits: up.logits, labels: labels, loss: dynamics.loss)
        let down = DescendingActivity(circuit: circuit, ascending: up, error: err.error, phi: dynamics.downstreamActivation)
        let L = circuit.levels
        var levels = [LevelPlasticity]()
        for l in 1...L {
            let teaching = l == L ? down.d[L] : down.a[l]
            let dW = BLAS.product(teaching, transposeA: true, up.h[l - 1], alpha: -1)
            let db = teaching.columnSums().map { -$0 }
            let dWbar = l >= 2 ? BLAS.product(up.h[l - 1], transposeA: true, down.g[l], alpha: -1) : nil
            let reciprocal = ReciprocalHebbian.updates(d: down.d[l], g: down.g[l])
            levels.append(LevelPlasticity(W: dW, b: db, V: reciprocal.V, Vbar: reciprocal.Vbar, Wbar: dWbar))
        }
        return Plasticity(levels: levels, loss: err.loss, correct: err.correct, samples: input.rows)
    }
}
