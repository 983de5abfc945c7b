/// Direct feedback alignment (Nokland, "Direct Feedback Alignment Provides Learning in Deep
/// Neural Networks", NeurIPS 2016).
///
/// The output error reaches every hidden level through its own fixed random matrix
/// Bdirect_l (n_l x n_L, the projection U_L -> U_l), not through the levels above:
///
///     delta_L = e,   delta_l = f'(z_l) * (Bdirect_l e)             (l = 1 ... L-1)
///     dW_l = -delta_l h_{l-1}^T,   db_l = -delta_l                 (summed over the batch)
///
/// Bdirect_l ~ N(0, 1/n_L), drawn once from the seed (stream ``RandomStream/initialFeedback``,
/// level 1 first) and never changed. Hyperparameters: eta_W and lambda, as for bp.
public struct DirectFeedbackAlignmentRule: LearningRule {
    public let dynamics: CircuitDynamics
    public var name: String { RuleKind.dfa.rawValue }

    public init(dynamics: CircuitDynamics = CircuitDynamics()) { self.dynamics = dynamics }

    public func initialFeedback(for circuit: Circuit, seed: UInt64) -> [String: Matrix] {
        let a = circuit.architecture, nL = a.upstreamSizes[a.levels]
        var rng = Xoshiro256StarStar(seed: seed, stream: RandomStream.initialFeedback.rawValue)
        var feedback = [String: Matrix]()
        for l in stride(from: 1, to: a.levels, by: 1) {
            feedback[FeedbackName.Bdirect(l)] = Matrix(normal: a.upstreamSizes[l], nL, std: Float((1.0 / Double(nL)).squareRoot()), using: &rng)
        }
        return feedback
    }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        let up = AscendingActivity(circuit: circuit, input: input, activation: dynamics.upstreamActivation)
        let err = ErrorSignal(logits: up.logits, labels: labels, loss: dynamics.loss)
        let L = circuit.levels
        var delta = [Matrix](repeating: Matrix(zeros: 0, 0), count: L + 1)
        delta[L] = err.error
        for l in stride(from: 1, to: L, by: 1) {
            delta[l] = ErrorFeedback.descend(err.error, through: ErrorFeedback.matrix(circuit, FeedbackName.Bdirect(l)),
                                             gate: up.gate(level: l))
        }
        return ErrorFeedback.plasticity(deltas: delta, ascending: up, error: err)
    }
}
