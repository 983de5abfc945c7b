/// The target-propagation rules' own hyperparameters (docs/rules.md, "Target propagation"):
/// the defaults are those the rules were tuned and compared at.
///
/// - beta, `targetStep`: the size of the top's target step down the loss, t_L = h_L - beta e_s
///   (dtp, dtp-skip; Lee et al. 2015). Finite, > 0.
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
        try require(inverseNoise >= 0 && inverseNoise.isFinite, "inverse-noise (sigma) must be a finite number >= 0, got \(inverseNoise)")
        try require(inverseRate > 0 && inverseRate.isFinite, "inverse-rate (eta_inv) must be a finite number > 0, got \(inverseRate)")
        try require(orthogonality >= 0 && orthogonality.isFinite, "orthogonality (lambda_O) must be a finite number >= 0, got \(orthogonality)")
    }
}
