import Foundation

/// The target-propagation rules' own hyperparameters (docs/rules.md, "Target propagation"):
/// the defaults are those the rules were tuned and compared at.
///
/// - beta, `targetStep`: the size of the top's target step down the loss, t_L = h_L - beta e_s
///   (dtp, dtp-skip; Lee et al. 2015). In (0, ``largestTargetStep``].
/// - sigma, `inverseNoise`: the standard deviation of the noise x~ = h + sigma eps from which the
///   learned inverses learn (gait-prop, dtp, dtp-skip; Lee et al. eq. 13). Finite, >= 0.
/// - eta_inv, `inverseRate`: the inverses' normalised least-mean-squares rate (``LearnedInverse``).
///   Finite, > 0.
/// - lambda_O, `orthogonality`: GAIT-prop's soft orthogonality regulariser on W (Ahmad et al.
///   2020). Finite, >= 0 (0 turns the regulariser off).
public struct TargetPropagationSettings: Equatable, Sendable {
    public var targetStep: Float = 0.2
    public var inverseNoise: Float = 0.1
    public var inverseRate: Float = 0.5
    public var orthogonality: Float = 1e-3

    public init(targetStep: Float = 0.2, inverseNoise: Float = 0.1, inverseRate: Float = 0.5, orthogonality: Float = 1e-3) {
        self.targetStep = targetStep
        self.inverseNoise = inverseNoise
        self.inverseRate = inverseRate
        self.orthogonality = orthogonality
    }

    /// The largest beta admitted: 10, fifty times the tuned 0.2. Why a bound: beta is a small
    /// step down the loss, and the hidden targets t_{l-1} = h_{l-1} + g(t_l) - g(h_l) follow
    /// the gradient only while t_L stays near h_L, where the learned inverse g linearises the
    /// forward pathway (Lee et al. 2015; Meulemans et al. 2020 take beta -> 0); divided by
    /// beta B, the hidden updates fade as beta grows past that region. On digits (64,32,10,
    /// 3 epochs, seed 7) beta 0.2, 1, 3, 10 reached 0.79, 0.80, 0.83, 0.73, while 30, 100, 1000
    /// fell to 0.50, 0.19, 0.11, and 1e5 to 1e30 ran at chance with a loss 1400 times chance;
    /// at 1e38 beta x B overflowed Float and the hidden updates became zero, all without a word.
    public static let largestTargetStep: Float = 10

    /// One of the four, by the name of its command-line option.
    public enum Parameter: String, CaseIterable, Sendable {
        case targetStep = "target-step"
        case inverseNoise = "inverse-noise"
        case inverseRate = "inverse-rate"
        case orthogonality

        /// The rules that use it.
        public var rules: [RuleKind] {
            switch self {
            case .targetStep: [.dtp, .dtpSkip]
            case .inverseNoise, .inverseRate: [.gaitProp, .dtp, .dtpSkip]
            case .orthogonality: [.gaitProp]
            }
        }
    }

    /// The value of `parameter`.
    public subscript(parameter: Parameter) -> Float {
        switch parameter {
        case .targetStep: targetStep
        case .inverseNoise: inverseNoise
        case .inverseRate: inverseRate
        case .orthogonality: orthogonality
        }
    }

    /// Throws one message, named by the option, for a value out of range.
    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws {
            if !ok { throw ConfigurationError(message) }
        }
        try require(targetStep > 0 && targetStep.isFinite, "target-step (beta) must be a finite number > 0, got \(targetStep)")
        try require(targetStep <= Self.largestTargetStep, "target-step (beta) must be at most \(Self.largestTargetStep.formatted), got \(targetStep.formatted): beta is a small step down the loss (tuned 0.2); the hidden updates, divided by beta, fade as it grows (on digits beta 100 learned to 0.19, beta 1e5 nothing); give a value in (0, \(Self.largestTargetStep.formatted)]")
        try require(inverseNoise >= 0 && inverseNoise.isFinite, "inverse-noise (sigma) must be a finite number >= 0, got \(inverseNoise)")
        try require(inverseRate > 0 && inverseRate.isFinite, "inverse-rate (eta_inv) must be a finite number > 0, got \(inverseRate)")
        try require(orthogonality >= 0 && orthogonality.isFinite, "orthogonality (lambda_O) must be a finite number >= 0, got \(orthogonality)")
    }
}

private extension Float {
    /// %g: 10 and 1e+05, not 10.0 and 100000.0.
    var formatted: String { String(format: "%g", Double(self)) }
}
