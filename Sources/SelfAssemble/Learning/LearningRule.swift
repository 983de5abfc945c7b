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

    /// The feedback projections the rule owns, at the start of a run (``Circuit/feedback``;
    /// empty for rules that have none). Drawn from `seed` only, so a seed gives the same ones.
    func initialFeedback(for circuit: Circuit, seed: UInt64) -> [String: Matrix]

    /// Sets feedback that follows the forward weights (sign-concordant feedback) or is redrawn
    /// (brSF) before a learning step computes its plasticity.
    func refreshFeedback(_ circuit: inout Circuit, context: FeedbackContext)

    /// Learns feedback (Kolen-Pollack's B_l, target propagation's inverses Q_l) after the step's
    /// `update` has been applied to the forward weights.
    func learnFeedback(_ circuit: inout Circuit, update: Plasticity, context: FeedbackContext)
}

/// Rules without their own state: nothing to initialise, refresh or learn.
extension LearningRule {
    public func initialFeedback(for circuit: Circuit, seed: UInt64) -> [String: Matrix] { [:] }
    public func refreshFeedback(_ circuit: inout Circuit, context: FeedbackContext) {}
    public func learnFeedback(_ circuit: inout Circuit, update: Plasticity, context: FeedbackContext) {}
}

/// The learning rules the simulator knows, by name.
public enum RuleKind: String, Sendable, Codable, CaseIterable {
    /// The self-assembled circuit: local heterosynaptic plasticity through the motif.
    case circuit
    /// Exact backpropagation on the same upstream network.
    case bp
    /// Feedback alignment (Lillicrap et al. 2016): fixed random B_l in place of W_l^T.
    case fa
    /// Direct feedback alignment (Nokland 2016): e reaches every hidden level through its own fixed random matrix.
    case dfa
    /// Sign-concordant feedback, uniform magnitudes (uSF): B_l = sign(W_l)^T, scaled.
    case usf
    /// Sign-concordant feedback, batchwise random magnitudes (brSF): |R_l| * sign(W_l)^T, R_l redrawn every update.
    case brsf
    /// Sign-concordant feedback, fixed random magnitudes (frSF): |R_l| * sign(W_l)^T, R_l fixed.
    case frsf
    /// Kolen-Pollack learning (Akrout et al. 2019): B_l learns by the transpose of W_l's update, with the same decay.
    case kolenPollack = "kolen-pollack"
    /// GAIT-prop (Ahmad, van Gerven, Ambrogioni 2020): small target perturbations through learned inverses Q_l, with a soft orthogonality regulariser on W.
    case gaitProp = "gait-prop"
    /// Difference target propagation (Lee et al. 2015): targets through learned inverses Q_l, c_l with the difference correction.
    case dtp
    /// Difference target propagation in a network with forward skip connections S_l from level l - 2 to l, and skip inverses Qskip_l back (Im, Patil, Branson 2019).
    case dtpSkip = "dtp-skip"

    /// Whether the rule uses the downstream stream (V, Vbar, Wbar) and so needs development.
    public var usesMotif: Bool { self == .circuit }

    /// Whether the rule learns its feedback projections (they cannot be rebuilt from the seed).
    public var learnsFeedback: Bool { [.kolenPollack, .gaitProp, .dtp, .dtpSkip].contains(self) }

    /// The rule, with `targetPropagation`'s hyperparameters for the rules that have them
    /// (``TargetPropagationSettings/Parameter/rules``).
    public func makeRule(dynamics: CircuitDynamics, topTeaching: TopTeaching = .apical,
                         targetPropagation t: TargetPropagationSettings = TargetPropagationSettings()) -> any LearningRule {
        switch self {
        case .circuit: CircuitRule(dynamics: dynamics, topTeaching: topTeaching)
        case .bp: BackpropRule(dynamics: dynamics)
        case .fa: FeedbackAlignmentRule(dynamics: dynamics)
        case .dfa: DirectFeedbackAlignmentRule(dynamics: dynamics)
        case .usf: SignConcordantRule(dynamics: dynamics, magnitudes: .uniform)
        case .brsf: SignConcordantRule(dynamics: dynamics, magnitudes: .batchwiseRandom)
        case .frsf: SignConcordantRule(dynamics: dynamics, magnitudes: .fixedRandom)
        case .kolenPollack: KolenPollackRule(dynamics: dynamics)
        case .gaitProp: GaitPropRule(dynamics: dynamics, orthogonality: t.orthogonality, inverseNoise: t.inverseNoise, inverseRate: t.inverseRate)
        case .dtp, .dtpSkip:
            DifferenceTargetPropagationRule(dynamics: dynamics, skip: self == .dtpSkip, targetStep: t.targetStep,
                                            inverseNoise: t.inverseNoise, inverseRate: t.inverseRate)
        }
    }
}
