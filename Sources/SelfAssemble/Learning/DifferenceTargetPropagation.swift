/// Difference target propagation (Lee, Zhang, Fischer, Bengio, "Difference Target Propagation",
/// ECML/PKDD 2015), and `dtp-skip`, the same rule in a network with forward skip connections
/// between levels two apart, and skip inverses in its target pathway (Im, Patil, Branson, "Are
/// skip connections necessary for biologically plausible learning rules?", arXiv:2001.01647, 2019).
///
/// Each level learns towards a target. The top's is a step of size beta down the loss; lower
/// targets come down through learned inverses g_l(h) = f(h Q_l^T + c_l) (Q_l: U_l -> U_{l-1},
/// n_{l-1} x n_l) with the difference correction, which makes t_{l-1} = h_{l-1} when t_l = h_l
/// however imperfect the inverse:
///
///     t_L = h_L - beta e_s                                   (e_s = dLoss/dz_L of each sample)
///     t_{l-1} = h_{l-1} + g_l(t_l) - g_l(h_l)                (l = L ... 2)
///     delta_l = f'(z_l) * (h_l - t_l) / (beta B)             (delta_L = e: the top learns as in bp)
///     dW_l = -delta_l h_{l-1}^T,   db_l = -delta_l           (summed over the batch)
///
/// that is, level l descends the local loss |h_l - t_l|^2 / (2 beta B) with its target fixed;
/// dividing by beta (as Meulemans et al. 2020 and Ernoult et al. 2022 scale it) keeps eta_W
/// comparable with bp's. The inverses learn after every step by the noise-corrupted
/// reconstruction loss of ``LearnedInverse`` (Lee et al. eq. 13: x~ = h_{l-1} + sigma eps,
/// |g_l(f_l(W_l x~ + b_l)) - x~|^2), on the step's minibatch with the updated W.
///
/// dtp-skip is Im et al.'s architecture: for every level l >= 3 a forward skip connection S_l:
/// U_{l-2} -> U_l (n_l x n_{l-2}, ``FeedbackName/S(_:)``) beside W_l, so the network computes
///
///     z_l = W_l h_{l-1} + S_l h_{l-2} + b_l                  (l >= 3; ``AscendingActivity``)
///     dS_l = -delta_l h_{l-2}^T                              (summed over the batch)
///
/// S_l learns by the same local target loss as W_l, with the same eta_W and weight decay lambda
/// (``Plasticity/feedback``, applied with W by ``Circuit/apply(_:settings:)``). Its target
/// pathway has the matching skip: a skip inverse gs_l(h) = f(h Qskip_l^T + cskip_l) (Qskip_l:
/// U_l -> U_{l-2}, n_{l-2} x n_l) that learns by the same loss across two levels (x~ = h_{l-2} +
/// sigma eps through W_{l-1}, W_l and S_l; g_l's forward map too includes S_l h_{l-2}, with
/// h_{l-2} the step's rates), and a level below the top two gets the mean of the two
/// difference corrections:
///
///     t_{l-1} = h_{l-1} + 1/2 [g_l(t_l) - g_l(h_l)] + 1/2 [gs_{l+1}(t_{l+1}) - gs_{l+1}(h_{l+1})]   (l + 1 <= L)
///
/// so a target reaches each level through one fewer learned inverse on one of its two paths.
/// The one deviation from the paper: S_l starts at zero (the paper's start random), so that at
/// step 0 the dtp-skip network, its initial weights and its function are those every other rule
/// starts from (the premise of `compare`); the skip connections grow from there.
///
/// Hyperparameters: eta_W and lambda (``PlasticitySettings``, shared by W_l and S_l); the target
/// step beta = `targetStep` (0.2), the inverses' noise sigma = `inverseNoise` (0.1) and rate
/// eta_inv = `inverseRate` (0.5, normalised least mean squares), set by ``TargetPropagationSettings``
/// (`--target-step`, `--inverse-noise`, `--inverse-rate`). Q_l ~ N(0, 1/(2 n_{l-1})), Qskip_l ~
/// N(0, 1/(2 n_{l-2})), c_l = 0 from the seed, S_l = 0; the noise comes from the step's
/// generator (``FeedbackContext/generator(for:)``), so a continued run draws the same noise.
public struct DifferenceTargetPropagationRule: LearningRule {
    public let dynamics: CircuitDynamics
    /// dtp-skip: forward skip connections S_l from level l - 2 to level l, and skip inverses back.
    public let skip: Bool
    public var targetStep: Float
    public var inverseNoise: Float
    public var inverseRate: Float
    public var name: String { skip ? RuleKind.dtpSkip.rawValue : RuleKind.dtp.rawValue }

    public init(dynamics: CircuitDynamics = CircuitDynamics(), skip: Bool = false, targetStep: Float = 0.2,
                inverseNoise: Float = 0.1, inverseRate: Float = 0.5) {
        self.dynamics = dynamics
        self.skip = skip
        self.targetStep = targetStep
        self.inverseNoise = inverseNoise
        self.inverseRate = inverseRate
    }

    /// The inverses (``TargetInverses/initial(for:seed:skip:)``) and, for dtp-skip, S_l = 0
    /// (n_l x n_{l-2}, l = 3 ... L), which draws nothing from the seed's streams.
    public func initialFeedback(for circuit: Circuit, seed: UInt64) -> [String: Matrix] {
        var feedback = TargetInverses.initial(for: circuit.architecture, seed: seed, skip: skip)
        if skip {
            let n = circuit.architecture.upstreamSizes
            for l in stride(from: 3, through: circuit.levels, by: 1) { feedback[FeedbackName.S(l)] = Matrix(zeros: n[l], n[l - 2]) }
        }
        return feedback
    }

    /// g_l (into level l - 1) or, with `skip`, gs_l (into level l - 2).
    func inverse(_ circuit: Circuit, level l: Int, skip: Bool = false) -> LearnedInverse {
        skip ? LearnedInverse(circuit: circuit, Q: FeedbackName.Qskip(l), c: FeedbackName.cskip(l), activation: dynamics.upstreamActivation)
             : LearnedInverse(circuit: circuit, Q: FeedbackName.Q(l), c: FeedbackName.c(l), activation: dynamics.upstreamActivation)
    }

    /// h_l - t_l at every level (B x n_l; index 0 unused) for a forward pass and the error module.
    public func targetDifferences(_ circuit: Circuit, ascending up: AscendingActivity, error e: Matrix) -> [Matrix] {
        let L = circuit.levels
        var d = [Matrix](repeating: Matrix(zeros: 0, 0), count: L + 1)
        var t = d
        d[L] = e
        BLAS.scale(targetStep * Float(e.rows), &d[L])
        t[L] = up.h[L]
        BLAS.axpy(-1, d[L], &t[L])
        for l in stride(from: L, through: 2, by: -1) {
            d[l - 1] = Self.correction(inverse(circuit, level: l), forward: up.h[l], target: t[l])
            if skip && l + 1 <= L {
                let viaSkip = Self.correction(inverse(circuit, level: l + 1, skip: true), forward: up.h[l + 1], target: t[l + 1])
                BLAS.scale(0.5, &d[l - 1])
                BLAS.axpy(0.5, viaSkip, &d[l - 1])
            }
            t[l - 1] = up.h[l - 1]
            BLAS.axpy(-1, d[l - 1], &t[l - 1])
        }
        return d
    }

    /// g(h) - g(t) = h_below - t_below: the difference-corrected target's distance from the forward pass.
    static func correction(_ g: LearnedInverse, forward h: Matrix, target t: Matrix) -> Matrix {
        var d = g(h)
        BLAS.axpy(-1, g(t), &d)
        return d
    }

    public func plasticity(of circuit: Circuit, input: Matrix, labels: [Int]) -> Plasticity {
        let up = AscendingActivity(circuit: circuit, input: input, activation: dynamics.upstreamActivation)
        let err = ErrorSignal(logits: up.logits, labels: labels, loss: dynamics.loss)
        let L = circuit.levels
        var delta = targetDifferences(circuit, ascending: up, error: err.error)
        delta[L] = err.error
        let scale = 1 / (targetStep * Float(max(input.rows, 1)))
        for l in stride(from: 1, to: L, by: 1) {
            BLAS.scale(scale, &delta[l])
            up.applyGate(level: l, to: &delta[l])
        }
        var p = ErrorFeedback.plasticity(deltas: delta, ascending: up, error: err)
        for l in stride(from: 3, through: L, by: 1) where circuit.skipConnection(into: l) != nil {
            p.feedback[FeedbackName.S(l)] = .outerProduct(post: delta[l], pre: up.h[l - 2], scale: -1)
        }
        return p
    }

    public func learnFeedback(_ circuit: inout Circuit, update: Plasticity, context: FeedbackContext) {
        var rng = context.generator(for: .feedbackRedraw)
        let f = dynamics.upstreamActivation
        let up = AscendingActivity(circuit: circuit, input: context.input, activation: f)
        var paths = stride(from: circuit.levels, through: 2, by: -1).map { (level: $0, skip: false) }
        if skip { paths += stride(from: circuit.levels, through: 3, by: -1).map { (level: $0, skip: true) } }
        for (l, isSkip) in paths {
            let below = isSkip ? l - 2 : l - 1
            var g = inverse(circuit, level: l, skip: isSkip)
            let x = LearnedInverse.corrupted(up.h[below], sigma: inverseNoise, using: &rng)
            g.learn(corrupted: x, output: forwardPathway(circuit, rates: x, from: below, to: l, activation: f, context: up),
                    rate: inverseRate)
            circuit.feedback[isSkip ? FeedbackName.Qskip(l) : FeedbackName.Q(l)] = g.Q
            circuit.feedback[isSkip ? FeedbackName.cskip(l) : FeedbackName.c(l)] = g.c
        }
    }

    /// |g(F(h_below)) - h_below|^2 / |h_below|^2 on a batch, without noise: how well the inverse of
    /// level l (into l - 1, or with `skip` the skip inverse into l - 2) undoes the forward pathway.
    public func reconstructionError(of circuit: Circuit, input: Matrix, level l: Int, skip: Bool = false) -> Double {
        let up = AscendingActivity(circuit: circuit, input: input, activation: dynamics.upstreamActivation)
        return inverse(circuit, level: l, skip: skip).relativeReconstructionError(of: up.h[l - (skip ? 2 : 1)], from: up.h[l])
    }
}
