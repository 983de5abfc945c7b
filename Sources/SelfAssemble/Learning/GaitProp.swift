/// GAIT-prop (Ahmad, van Gerven, Ambrogioni, "GAIT-prop: A biologically plausible learning rule
/// derived from backpropagation of error", NeurIPS 2020; reference code github.com/nasiryahm/GAIT-prop).
///
/// Every level gets a target that is a small perturbation of its forward activity, passed down
/// through an inverse model of the level above; each level then learns to move towards its
/// target, locally. The top's target is one step down the loss, t_L = h_L - e_s (e_s = dLoss/dz_L
/// of each sample; for mse the one-hot label, as in the paper's code), so delta_L = e; below it,
/// level l's target is mixed into its activity by gamma f'(z_l)^2 and inverted:
///
///     m_l = (1 - gamma f'(z_l)^2) h_l + gamma f'(z_l)^2 t_l
///     t_{l-1} = h_{l-1} + g_l(m_l) - g_l(h_l)         (= g_l(m_l) when g_l inverts level l exactly)
///     delta_{l-1} = f'(z_{l-1}) * (h_{l-1} - t_{l-1}) / gamma^(L-l+1)    (the perturbation rescaled)
///     dW_l = -delta_l h_{l-1}^T - 4 lambda_O W_l offdiag(Gram(W_l)),   db_l = -delta_l
///
/// The inverse of level l, g_l, undoes its activation and its affine map: the activation at the
/// forward point (u_l = z_l + (m - h_l) / f'(z_l) where f' > 0, z_l where f' = 0: exact for relu
/// and identity; to first order for tanh) and the affine map through a learned linear inverse
/// Q_l (n_{l-1} x n_l) with bias c_l: g_l(m) = Q_l u_l + c_l. A layer that narrows (the top here)
/// has no exact inverse, hence the difference correction of DTP in t_{l-1}, which the paper's
/// square, invertible layers do not need. To first order in gamma the
/// perturbations are then linear, t_{l-1} - h_{l-1} = -gamma Q_l (f'(z_l) * (h_l - t_l)), and the
/// rescaled perturbation at every level is
///
///     delta_L = e,   delta_{l-1} = f'(z_{l-1}) * (Q_l delta_l)
///
/// which this implementation computes directly (the small-gamma limit in which the paper proves
/// the equivalence with backpropagation; float32 could not carry perturbations of gamma^(L-l)
/// as differences of rates, and for relu and identity cells the limit is exact at any gamma).
/// When W_l is orthogonal and Q_l its inverse, Q_l = W_l^{-1} = W_l^T and the update is bp's.
///
/// The paper inverts square layers exactly (W^{-1}, leaky-relu); this network has layers of
/// different widths and relu, so the inverse is learned: Q_l and c_l minimise the
/// reconstruction loss of ``LearnedInverse`` (x~ = h_{l-1} + sigma eps, z_l = W_l x~ + b_l,
/// |Q_l z_l + c_l - x~|^2), after every step. For a square invertible W_l the least-squares
/// inverse is W_l^{-1} itself. The soft orthogonality regulariser (the paper's, as its code
/// defines it) penalises lambda_O times the squared off-diagonal entries of the Gram matrix of
/// W_l on its smaller side (W_l W_l^T when n_l <= n_{l-1}, W_l^T W_l otherwise), pushing W_l
/// towards orthogonality, where its inverse is its transpose.
///
/// Hyperparameters: eta_W and lambda (``PlasticitySettings``); lambda_O = `orthogonality`
/// (1e-3; the paper's 0.1 is for Adam-normalised steps at rate 1e-4), the inverse's noise sigma
/// = `inverseNoise` (0.1) and rate eta_inv = `inverseRate` (0.5, normalised least mean squares),
/// set by ``TargetPropagationSettings`` (`--orthogonality`, `--inverse-noise`, `--inverse-rate`).
/// gamma does not enter the computed update (see above). The noise is drawn from the step's
/// generator (``FeedbackContext/generator(for:)``), so a continued run draws the same noise.
public struct GaitPropRule: LearningRule {
    public let dynamics: CircuitDynamics
    public var orthogonality: Float
    public var inverseNoise: Float
    public var inverseRate: Float
    public var name: String { RuleKind.gaitProp.rawValue }

    public init(dynamics: CircuitDynamics = CircuitDynamics(), orthogonality: Float = 1e-3,
                inverseNoise: Float = 0.1, inverseRate: Float = 0.5) {
        self.dynamics = dynamics
        self.orthogonality = orthogonality
        self.inverseNoise = inverseNoise
        self.inverseRate = inverseRate
    }

    /// Q_l ~ N(0, 1/(2 n_{l-1})), c_l = 0 for l = 2 ... L (level 2 first): about the pseudo-inverse of a random W_l.
    public func initialFeedback(for circuit: Circuit, seed: UInt64) -> [String: Matrix] {
        TargetInverses.initial(for: circuit.architecture, seed: seed, skip: false)
    }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        var p = FeedbackPathway.plasticity(of: circuit, input: input, labels: labels, dynamics: dynamics) { l in
            ErrorFeedback.matrix(circuit, FeedbackName.Q(l))
        }
        if orthogonality != 0 {
            for l in 1...circuit.levels {
                BLAS.axpy(-4 * orthogonality, Self.offDiagonalGramGradient(circuit[l].W), &p.levels[l - 1].W!)
            }
        }
        return p
    }

    /// offdiag(W W^T) W when W has no more rows than columns, W offdiag(W^T W) otherwise: a quarter
    /// of the gradient of the sum of squared off-diagonal entries of the smaller Gram matrix.
    static func offDiagonalGramGradient(_ W: Matrix) -> Matrix {
        let rowsSide = W.rows <= W.cols
        var gram = rowsSide ? BLAS.product(W, W, transposeB: true) : BLAS.product(W, transposeA: true, W)
        for i in 0..<gram.rows { gram[i, i] = 0 }
        return rowsSide ? BLAS.product(gram, W) : BLAS.product(W, gram)
    }

    /// Sum of squared off-diagonal entries of the smaller Gram matrix of W, over its squared
    /// diagonal: 0 when the rows (or columns) of W are orthogonal.
    public static func nonOrthogonality(_ W: Matrix) -> Double {
        let rowsSide = W.rows <= W.cols
        let gram = rowsSide ? BLAS.product(W, W, transposeB: true) : BLAS.product(W, transposeA: true, W)
        var off = 0.0, diag = 0.0
        for i in 0..<gram.rows {
            for j in 0..<gram.cols {
                let v = Double(gram[i, j])
                if i == j { diag += v * v } else { off += v * v }
            }
        }
        return diag > 0 ? off / diag : 0
    }

    public func learnFeedback(_ circuit: inout Circuit, update: Plasticity, context: FeedbackContext) {
        var rng = context.generator(for: .feedbackRedraw)
        let up = AscendingActivity(circuit: circuit, input: context.input, activation: dynamics.upstreamActivation)
        for l in stride(from: circuit.levels, through: 2, by: -1) {
            var inverse = LearnedInverse(circuit: circuit, Q: FeedbackName.Q(l), c: FeedbackName.c(l), activation: .identity)
            let x = LearnedInverse.corrupted(up.h[l - 1], sigma: inverseNoise, using: &rng)
            let z = forwardPathway(circuit, rates: x, from: l - 1, to: l, activation: dynamics.upstreamActivation,
                                   preActivationAtTop: true)
            inverse.learn(corrupted: x, output: z, rate: inverseRate)
            circuit.feedback[FeedbackName.Q(l)] = inverse.Q
            circuit.feedback[FeedbackName.c(l)] = inverse.c
        }
    }

    /// |g_l(z_l) - h_{l-1}|^2 / |h_{l-1}|^2 on a batch, without noise: how well Q_l, c_l invert level l.
    public func reconstructionError(of circuit: Circuit, input: Matrix, level l: Int) -> Double {
        let up = AscendingActivity(circuit: circuit, input: input, activation: dynamics.upstreamActivation)
        let inverse = LearnedInverse(circuit: circuit, Q: FeedbackName.Q(l), c: FeedbackName.c(l), activation: .identity)
        return inverse.relativeReconstructionError(of: up.h[l - 1], from: up.z[l])
    }
}
