/// Feedback alignment (Lillicrap, Cownden, Tweed, Akerman, "Random synaptic feedback weights
/// support error backpropagation for deep learning", Nature Communications 7, 13276, 2016).
///
/// The error descends through fixed random matrices B_l (n_{l-1} x n_l, the projection
/// U_l -> U_{l-1}) in place of W_l^T:
///
///     delta_L = e,   delta_{l-1} = f'(z_{l-1}) * (B_l delta_l)     (l = L ... 2)
///     dW_l = -delta_l h_{l-1}^T,   db_l = -delta_l                 (summed over the batch)
///
/// B_l ~ N(0, 2/n_{l-1}), the scale of W_l's He initialisation, drawn once from the seed
/// (stream ``RandomStream/initialFeedback``) and never changed: W_l comes to align with B_l^T.
/// Hyperparameters: the rates of ``PlasticitySettings`` (eta_W, lambda), as for bp.
public struct FeedbackAlignmentRule: LearningRule {
    public let dynamics: CircuitDynamics
    public var name: String { RuleKind.fa.rawValue }

    public init(dynamics: CircuitDynamics = CircuitDynamics()) { self.dynamics = dynamics }

    public func initialFeedback(for circuit: Circuit, seed: UInt64) -> [String: Matrix] {
        Self.randomFeedback(for: circuit.architecture, seed: seed)
    }

    /// B_2 ... B_L ~ N(0, 2/n_{l-1}), level 2 first (shared by the rules that start from random feedback).
    static func randomFeedback(for architecture: Architecture, seed: UInt64, name: (Int) -> String = FeedbackName.B) -> [String: Matrix] {
        var rng = Xoshiro256StarStar(seed: seed, stream: RandomStream.initialFeedback.rawValue)
        var feedback = [String: Matrix]()
        for l in stride(from: 2, through: architecture.levels, by: 1) {
            let n = architecture.upstreamSizes[l], nPrev = architecture.upstreamSizes[l - 1]
            feedback[name(l)] = Matrix(normal: nPrev, n, std: Float((2.0 / Double(nPrev)).squareRoot()), using: &rng)
        }
        return feedback
    }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        FeedbackPathway.plasticity(of: circuit, input: input, labels: labels, dynamics: dynamics) { l in
            ErrorFeedback.matrix(circuit, FeedbackName.B(l))
        }
    }
}

/// The forward pass, the error module and errors descending through per-level feedback
/// matrices: the computation every rule of the feedback-alignment family shares.
enum FeedbackPathway {
    static func plasticity(of circuit: Circuit, input: Matrix, labels: [Int], dynamics: CircuitDynamics,
                           feedback: (Int) -> Matrix) -> Plasticity {
        let up = AscendingActivity(circuit: circuit, input: input, activation: dynamics.upstreamActivation)
        let err = ErrorSignal(logits: up.logits, labels: labels, loss: dynamics.loss)
        let delta = ErrorFeedback.deltas(circuit: circuit, ascending: up, error: err.error, feedback: feedback)
        return ErrorFeedback.plasticity(deltas: delta, ascending: up, error: err)
    }
}
