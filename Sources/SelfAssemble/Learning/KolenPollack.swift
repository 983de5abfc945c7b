/// Kolen-Pollack learning (Kolen and Pollack, "Backpropagation without weight transport",
/// ICNN 1994; Akrout, Wilson, Humphreys, Lillicrap, Tweed, "Deep Learning without Weight
/// Transport", NeurIPS 2019).
///
/// The error descends through B_l (n_{l-1} x n_l) as in feedback alignment; B_l starts random
/// (as fa's) and learns by the transpose of W_l's update, with the same weight decay:
///
///     delta_{l-1} = f'(z_{l-1}) * (B_l delta_l),   dW_l = -delta_l h_{l-1}^T,  db_l = -delta_l
///     W_l <- (1 - lambda) W_l + eta_W dW_l
///     B_l <- (1 - lambda) B_l + eta_W dW_l^T
///
/// so B_l - W_l^T = (1 - lambda)^t (B_l(0) - W_l(0)^T) and B_l converges to W_l^T when
/// lambda > 0 (the rule needs weight decay). Hyperparameters: eta_W and lambda (shared by W
/// and B, as in Akrout et al.).
///
/// The circuit's descending stage and learning phase use the same mechanism (matching updates
/// and the same decay for W_l and Wbar_l). They differ in what learns: here B_l itself is the
/// feedback and its update is post x pre of the forward synapse transposed, delta_l h_{l-1}^T;
/// in the circuit the feedback is the product Wbar_l V_l through the downstream group D_l, only
/// Wbar_l learns (from h_{l-1} and D_l's activity g_l = V_l d_l), and the top level too learns
/// from the apical input (a matrix learning rate H_l = Vbar_l Vbar_l^T), so Wbar_l V_l turns into
/// W_l^T only once V_l and Vbar_l are reciprocal; the circuit also aligns already in
/// development, from spontaneous activity, before any task is seen.
public struct KolenPollackRule: LearningRule {
    public let dynamics: CircuitDynamics
    public var name: String { RuleKind.kolenPollack.rawValue }

    public init(dynamics: CircuitDynamics = CircuitDynamics()) { self.dynamics = dynamics }

    public func initialFeedback(for circuit: Circuit, seed: UInt64) -> [String: Matrix] {
        FeedbackAlignmentRule.randomFeedback(for: circuit.architecture, seed: seed)
    }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        FeedbackPathway.plasticity(of: circuit, input: input, labels: labels, dynamics: dynamics) { l in
            ErrorFeedback.matrix(circuit, FeedbackName.B(l))
        }
    }

    public func learnFeedback(_ circuit: inout Circuit, update: Plasticity, context: FeedbackContext) {
        let s = context.settings
        guard s.plastic.contains(.W) else { return }
        for l in stride(from: 2, through: circuit.levels, by: 1) {
            let name = FeedbackName.B(l)
            guard let dW = update[l].direction(.W), circuit.feedback[name] != nil else { continue }
            // In place (a copy taken out of the dictionary and put back would copy B_l).
            dW.transposed.add(rate: s.etaW, decay: s.weightDecay, to: &circuit.feedback[name]!)
        }
    }
}
