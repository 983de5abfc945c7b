/// Development, stage 2: the descending stage (model.md, "Plasticity", development 2; version 2).
///
/// V_l and Vbar_l stay as the reciprocal stage left them. Every step, every level gets new
/// white noise d_l ~ N(0, 1)/B in D_l's relay (B x n_l; g_l = phi(V_l d_l), a_l = Vbar_l g_l),
/// and every upstream group U_{l-1}, the input group U_0 included, carries zero-mean rate
/// fluctuations xi_{l-1} ~ N(0, 1)/B (B x n_{l-1}). W_l and Wbar_l change by their own learning
/// rules with xi_{l-1} in place of the rate h_{l-1}:
///
///     dW_l    = -eta_d a_l^T xi_{l-1} - lambda_d W_l          (n_l x n_{l-1}; biases unchanged)
///     dWbar_l = -eta_d xi_{l-1}^T g_l - lambda_d Wbar_l       (n_{l-1} x m_l)
///
/// Both receive matching updates and the same decay (as in Kolen-Pollack learning, Akrout et
/// al. 2019): with Vbar_l = V_l^T, Wbar_l V_l - W_l^T shrinks as (1 - lambda_d)^t, so Wbar_l V_l
/// turns into W_l^T (descending consistency) before any task is seen. eta_d^2 / lambda_d keeps
/// |W_l| near its He-initialisation norm.
public struct DescendingStage: Sendable {
    /// eta_d (model.md: 1.3).
    public var rate: Float
    /// lambda_d, the decay of W and Wbar per step (model.md: 2e-3).
    public var decay: Float
    /// Rows of noise per step.
    public var batch: Int
    public var downstreamActivation: Activation

    public init(rate: Float = 1.3, decay: Float = 2e-3, batch: Int, downstreamActivation: Activation = .identity) {
        self.rate = rate
        self.decay = decay
        self.batch = batch
        self.downstreamActivation = downstreamActivation
    }

    /// One step on every level. Kinds missing from `plastic` stay unchanged (no decay either).
    /// The noise of a level is drawn in the order d_l, then xi_{l-1}, level 1 first.
    public func step(_ circuit: inout Circuit, plastic: Set<ProjectionKind>, using rng: inout Xoshiro256StarStar) {
        let noiseStd = 1 / Float(batch)
        for l in 1...circuit.levels {
            let n = circuit.architecture.upstreamSizes[l], nPrev = circuit.architecture.upstreamSizes[l - 1]
            let d = Matrix(normal: batch, n, std: noiseStd, using: &rng)
            let xi = Matrix(normal: batch, nPrev, std: noiseStd, using: &rng)
            var g = BLAS.product(d, circuit[l].V, transposeB: true)
            downstreamActivation.apply(&g)
            if plastic.contains(.W) {
                let a = BLAS.product(g, circuit[l].Vbar, transposeB: true)
                // W <- (1 - lambda_d) W - eta_d a^T xi, in one product.
                BLAS.gemm(a, transposeA: true, xi, transposeB: false, alpha: -rate, beta: 1 - decay,
                          into: &circuit[l].W)
            }
            if plastic.contains(.Wbar), circuit[l].Wbar != nil {
                BLAS.gemm(xi, transposeA: true, g, transposeB: false, alpha: -rate, beta: 1 - decay,
                          into: &circuit[l].Wbar!)
            }
        }
    }
}
