/// The circuit's own learning rule (model.md, "Plasticity", learning phase; version 2): every
/// update is local, post x pre of the synapse's two groups, with the apical input setting the
/// change at the basal synapses (heterosynaptic):
///
///     dW_l    = -a_l h_{l-1}^T     at every level, the top included (a_L = Vbar_L g_L, d_L = e)
///     db_l    = -a_l
///     dWbar_l = -h_{l-1} g_l^T     (post: U_{l-1}'s rate; pre: D_l's activity)
///     dV_l    = +g_l d_l^T,  dVbar_l = +d_l g_l^T
///
/// summed over the batch (shapes: a_l is B x n_l, h_{l-1} B x n_{l-1}, g_l B x m_l, d_l B x n_l).
/// Once V_l = Vbar_l^T and Wbar_l V_l = W_l^T, d_l is exactly backpropagation's error and
/// dW_l = -H_l grad_{W_l} with H_l = Vbar_l Vbar_l^T at every level. With
/// ``TopTeaching/error`` (version 1, an ablation) the top level learns from d_L = e instead:
/// dW_L = -grad_{W_L}.
public struct CircuitRule: LearningRule {
    public let dynamics: CircuitDynamics
    public let topTeaching: TopTeaching
    public var name: String { RuleKind.circuit.rawValue }

    public init(dynamics: CircuitDynamics = CircuitDynamics(), topTeaching: TopTeaching = .apical) {
        self.dynamics = dynamics
        self.topTeaching = topTeaching
    }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        let up = AscendingActivity(circuit: circuit, input: input, activation: dynamics.upstreamActivation)
        return plasticity(of: circuit, ascending: up, error: ErrorSignal(logits: up.logits, labels: labels, loss: dynamics.loss))
    }

    /// The same from an ascending pass and its error already computed (the motif metrics share
    /// them with backpropagation's reference on the probe batch).
    func plasticity(of circuit: Circuit, ascending up: AscendingActivity, error err: ErrorSignal) -> Plasticity {
        let down = DescendingActivity(circuit: circuit, ascending: up, error: err.error, phi: dynamics.downstreamActivation)
        let L = circuit.levels
        var levels = [LevelPlasticity]()
        for l in 1...L {
            let teaching = l == L && topTeaching == .error ? down.d[L] : down.a[l]
            // Kept as outer products of the activities: Circuit.apply adds them to the weights in
            // one sgemm each, and multiplies out none that is not applied.
            let dW = UpdateDirection.outerProduct(post: teaching, pre: up.h[l - 1], scale: -1)
            let db = teaching.columnSums().map { -$0 }
            let dWbar = l >= 2 ? UpdateDirection.outerProduct(post: up.h[l - 1], pre: down.g[l], scale: -1) : nil
            let reciprocal = ReciprocalHebbian.directions(d: down.d[l], g: down.g[l])
            levels.append(LevelPlasticity(dW: dW, db: db, dV: reciprocal.V, dVbar: reciprocal.Vbar, dWbar: dWbar))
        }
        return Plasticity(levels: levels, loss: err.loss, correct: err.correct, samples: up.h[0].rows)
    }
}
