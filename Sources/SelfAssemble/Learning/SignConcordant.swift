/// Sign-concordant feedback (Liao, Leibo, Poggio, "How Important Is Weight Symmetry in
/// Backpropagation?", AAAI 2016), in the three variants BioTorch benchmarks (Sanfiz and
/// Akrout, "Benchmarking the Accuracy and Robustness of Feedback Alignment Algorithms", 2021).
/// The cortical-microcircuit framework of 2022 ("A Computational Framework of Cortical
/// Microcircuits Approximates Sign-concordant Random Backpropagation") is shown to be
/// equivalent to this rule.
///
/// The error descends as in feedback alignment, through B_l (n_{l-1} x n_l), which has the
/// signs of W_l^T and magnitudes that do not carry W's:
///
///     uSF:  B_l = s_l sign(W_l)^T                s_l = sqrt(2 / (n_{l-1} + n_l)) (Xavier's std, as BioTorch scales it)
///     brSF: B_l = |R_l| * sign(W_l)^T            R_l ~ N(0, s_l^2), redrawn at every update
///     frSF: B_l = |R_l| * sign(W_l)^T            R_l ~ N(0, s_l^2), drawn once (stored as R_l)
///
///     delta_{l-1} = f'(z_{l-1}) * (B_l delta_l),  dW_l = -delta_l h_{l-1}^T,  db_l = -delta_l
///
/// B_l is set from the current W_l before every learning step (``refreshFeedback``), so the
/// stored B_l is the one the last step used. brSF draws R_l from a generator seeded by the seed
/// and the step (``FeedbackContext/generator(for:)``), so a continued run draws the same R_l.
/// BioTorch draws R_l from Xavier's uniform distribution; a normal of the same variance is used
/// here. Hyperparameters: eta_W and lambda, as for bp.
public struct SignConcordantRule: LearningRule {
    /// Where the magnitudes of B_l come from.
    public enum Magnitudes: Sendable { case uniform, batchwiseRandom, fixedRandom }

    public let dynamics: CircuitDynamics
    public let magnitudes: Magnitudes
    public var name: String {
        switch magnitudes {
        case .uniform: RuleKind.usf.rawValue
        case .batchwiseRandom: RuleKind.brsf.rawValue
        case .fixedRandom: RuleKind.frsf.rawValue
        }
    }

    public init(dynamics: CircuitDynamics = CircuitDynamics(), magnitudes: Magnitudes) {
        self.dynamics = dynamics
        self.magnitudes = magnitudes
    }

    public func initialFeedback(for circuit: Circuit, seed: UInt64) -> [String: Matrix] {
        var rng = Xoshiro256StarStar(seed: seed, stream: RandomStream.initialFeedback.rawValue)
        var feedback = [String: Matrix]()
        let magnitudes = self.magnitudes == .uniform ? [:] : Self.randomMagnitudes(circuit.architecture, using: &rng)
        if self.magnitudes == .fixedRandom {
            for (l, r) in magnitudes { feedback[FeedbackName.R(l)] = r }
        }
        for l in stride(from: 2, through: circuit.levels, by: 1) {
            feedback[FeedbackName.B(l)] = Self.signConcordant(circuit[l].W, magnitudes: magnitudes[l], level: l, architecture: circuit.architecture)
        }
        return feedback
    }

    public func refreshFeedback(_ circuit: inout Circuit, context: FeedbackContext) {
        var drawn = [Int: Matrix]()
        if magnitudes == .batchwiseRandom {
            var rng = context.generator(for: .feedbackRedraw)
            drawn = Self.randomMagnitudes(circuit.architecture, using: &rng)
        }
        for l in stride(from: 2, through: circuit.levels, by: 1) {
            let r = magnitudes == .fixedRandom ? circuit.feedback[FeedbackName.R(l)] : drawn[l]
            circuit.feedback[FeedbackName.B(l)] = Self.signConcordant(circuit[l].W, magnitudes: r, level: l, architecture: circuit.architecture)
        }
    }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        FeedbackPathway.plasticity(of: circuit, input: input, labels: labels, dynamics: dynamics) { l in
            ErrorFeedback.matrix(circuit, FeedbackName.B(l))
        }
    }

    /// s_l = sqrt(2 / (n_{l-1} + n_l)).
    static func scale(level l: Int, architecture a: Architecture) -> Float {
        Float((2.0 / Double(a.upstreamSizes[l - 1] + a.upstreamSizes[l])).squareRoot())
    }

    /// |R_l| for l = 2 ... L, R_l ~ N(0, s_l^2) (n_{l-1} x n_l), level 2 first.
    static func randomMagnitudes(_ a: Architecture, using rng: inout Xoshiro256StarStar) -> [Int: Matrix] {
        var result = [Int: Matrix]()
        for l in stride(from: 2, through: a.levels, by: 1) {
            var r = Matrix(normal: a.upstreamSizes[l - 1], a.upstreamSizes[l], std: scale(level: l, architecture: a), using: &rng)
            r.apply { abs($0) }
            result[l] = r
        }
        return result
    }

    /// sign(W)^T with the given magnitudes (or s_l everywhere); a zero weight gives a zero entry.
    static func signConcordant(_ W: Matrix, magnitudes: Matrix?, level l: Int, architecture a: Architecture) -> Matrix {
        var b = W.transposed
        let s = scale(level: l, architecture: a)
        for i in b.values.indices {
            let sign: Float = b.values[i] > 0 ? 1 : b.values[i] < 0 ? -1 : 0
            b.values[i] = sign * (magnitudes?.values[i] ?? s)
        }
        return b
    }
}
