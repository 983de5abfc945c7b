/// A learned inverse of the forward pathway (target propagation's feedback): a projection Q
/// (n_target x n_source) with bias c (1 x n_target) that maps activity of a higher level back to
/// a lower one, g(x) = a(x Q^T + c) for a batch x (B x n_source), a the activation of the level
/// it reconstructs.
///
/// It learns by the noise-corrupted reconstruction loss of difference target propagation (Lee,
/// Zhang, Fischer, Bengio, "Difference Target Propagation", ECML/PKDD 2015, eq. 13):
///
///     x~ = h_lower + sigma eps,  eps ~ N(0, I)       (h_lower: the rates the inverse reconstructs)
///     y  = F(x~)                                     (the forward pathway from that level up)
///     L_inv = 1/(2B) sum over the batch of |g(y) - x~|^2
///     Q <- Q - eta_inv grad_Q L_inv / s,  c <- c - eta_inv grad_c L_inv / s
///
/// with s = 1 + (mean over the batch of |y|^2): the step is normalised by the power of the
/// inverse's input (normalised least mean squares), so that one eta_inv is stable whatever the
/// scale of the rates of a data set (plain SGD on this least-squares problem diverges once
/// eta_inv exceeds 2 / (largest eigenvalue of E[y y^T]), which grows with the width and the
/// mean rate of a level). Lee et al. train the inverses with plain SGD (RMSprop); this is the
/// one place where this implementation differs in how the inverse learns, not in what it learns.
struct LearnedInverse {
    var Q: Matrix
    /// c, 1 x n_target.
    var c: Matrix
    /// The activation of the reconstructed level (f of a hidden level, identity for pre-activations).
    let activation: Activation

    init(circuit: Circuit, Q qName: String, c cName: String, activation: Activation) {
        Q = ErrorFeedback.matrix(circuit, qName)
        c = ErrorFeedback.matrix(circuit, cName)
        self.activation = activation
    }

    /// The pre-activation x Q^T + c (B x n_target).
    func preActivation(_ x: Matrix) -> Matrix {
        var u = BLAS.product(x, Q, transposeB: true)
        u.addToEachRow(c.values)
        return u
    }

    /// g(x) = a(x Q^T + c), B x n_target.
    func callAsFunction(_ x: Matrix) -> Matrix {
        var u = preActivation(x)
        activation.apply(&u)
        return u
    }

    /// One step of the reconstruction loss: `corrupted` (B x n_target) is x~, `output` the forward
    /// pathway's response to it (B x n_source). Returns the loss before the step.
    @discardableResult
    mutating func learn(corrupted: Matrix, output y: Matrix, rate: Float) -> Double {
        let u = preActivation(y)
        var r = u
        activation.apply(&r)
        var err = r
        BLAS.axpy(-1, corrupted, &err)
        let loss = BLAS.frobeniusDot(err, err) / Double(2 * max(y.rows, 1))
        activation.multiplyByGate(&err, of: u)
        let power = BLAS.frobeniusDot(y, y) / Double(max(y.rows, 1))
        let step = rate / Float(max(y.rows, 1)) / Float(1 + power)
        BLAS.gemm(err, transposeA: true, y, transposeB: false, alpha: -step, beta: 1, into: &Q)
        let dc = err.columnSums()
        for i in dc.indices { c.values[i] -= step * dc[i] }
        return loss
    }

    /// Initial Q ~ N(0, 1/(2 n_target)) (n_target x n_source) and c = 0, drawn from `rng`: the
    /// scale of the inverse of a forward map with He's initialisation (W ~ N(0, 2/n_target) has
    /// W W^T ~ 2 I when it narrows, so its pseudo-inverse is about W^T / 2). A scale set by
    /// n_source instead made the inverse of the narrow top (10 logits) five times too large, and
    /// gait-prop, whose first updates are feedback alignment's through Q_l, diverged on MNIST.
    static func initial(target: Int, source: Int, using rng: inout Xoshiro256StarStar) -> (Q: Matrix, c: Matrix) {
        (Matrix(normal: target, source, std: Float((1.0 / Double(2 * target)).squareRoot()), using: &rng), Matrix(zeros: 1, target))
    }

    /// x~ = x + sigma eps, eps ~ N(0, I) drawn from `rng` row by row.
    static func corrupted(_ x: Matrix, sigma: Float, using rng: inout Xoshiro256StarStar) -> Matrix {
        var out = x
        if sigma != 0 { for i in out.values.indices { out.values[i] += sigma * Float(rng.nextNormal()) } }
        return out
    }

    /// |g(y) - x|^2 / |x|^2 over the batch: how well the inverse undoes the forward pathway
    /// without noise (0 for a perfect inverse; 1 for g = 0).
    func relativeReconstructionError(of x: Matrix, from y: Matrix) -> Double {
        var err = self(y)
        BLAS.axpy(-1, x, &err)
        let norm = BLAS.frobeniusDot(x, x)
        return norm > 0 ? BLAS.frobeniusDot(err, err) / norm : 0
    }
}

/// The forward pathway of the upstream network from level `from` to level `to` (to > from) for a
/// batch of rates at level `from`: h_k = f(z_k) below the top, h_L = z_L, with z_k from
/// ``AscendingActivity/preActivation(_:level:below:twoBelow:)`` (so dtp-skip's forward skip
/// connections S_k take part). A skip connection into level from + 1 reads the rates of level
/// from - 1, which the pathway does not compute: they are taken from `context`, the ascending
/// pass the rates at `from` belong to. `preActivationAtTop` returns z_to instead of h_to.
func forwardPathway(_ circuit: Circuit, rates x: Matrix, from: Int, to: Int, activation: Activation,
                    context: AscendingActivity? = nil, preActivationAtTop: Bool = false) -> Matrix {
    var below = x, twoBelow: Matrix? = from >= 1 ? context?.h[from - 1] : nil
    for k in (from + 1)...to {
        var z = AscendingActivity.preActivation(circuit, level: k, below: below, twoBelow: twoBelow)
        if k < circuit.levels && !(preActivationAtTop && k == to) { activation.apply(&z) }
        twoBelow = below
        below = z
    }
    return below
}

/// The inverses target propagation starts from.
enum TargetInverses {
    /// Q_l ~ N(0, 1/(2 n_{l-1})) (n_{l-1} x n_l) and c_l = 0 for l = 2 ... L, then, with `skip`,
    /// Qskip_l ~ N(0, 1/(2 n_{l-2})) (n_{l-2} x n_l) and cskip_l = 0 for l = 3 ... L; drawn in that order
    /// from the seed's stream ``RandomStream/initialFeedback``.
    static func initial(for a: Architecture, seed: UInt64, skip: Bool) -> [String: Matrix] {
        var rng = Xoshiro256StarStar(seed: seed, stream: RandomStream.initialFeedback.rawValue)
        var feedback = [String: Matrix]()
        for l in stride(from: 2, through: a.levels, by: 1) {
            (feedback[FeedbackName.Q(l)], feedback[FeedbackName.c(l)]) =
                LearnedInverse.initial(target: a.upstreamSizes[l - 1], source: a.upstreamSizes[l], using: &rng)
        }
        if skip {
            for l in stride(from: 3, through: a.levels, by: 1) {
                (feedback[FeedbackName.Qskip(l)], feedback[FeedbackName.cskip(l)]) =
                    LearnedInverse.initial(target: a.upstreamSizes[l - 2], source: a.upstreamSizes[l], using: &rng)
            }
        }
        return feedback
    }
}
