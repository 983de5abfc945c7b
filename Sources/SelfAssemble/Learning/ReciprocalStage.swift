/// Development, stage 1: the reciprocal stage (model.md, "Plasticity", development 1).
/// Spontaneous activity before any task input: every level gets white-noise gated activity
/// d_l ~ N(0, 1)/B (a batch of B rows, B x n_l), D_l responds with g_l = phi(V_l d_l), and only
/// V_l and Vbar_l change, by the reciprocal Hebbian rule and synaptic scaling at rate eta_dev.
/// Because both receive the same update, transposed, their shared part grows while their
/// independent random parts do not: Vbar_l turns into V_l^T (reciprocity).
public struct ReciprocalStage: Sendable {
    /// eta_dev, the Hebbian rate (model.md: 0.05).
    public var rate: Float
    /// Rows of noise per step.
    public var batch: Int
    public var downstreamActivation: Activation

    public init(rate: Float = 0.05, batch: Int, downstreamActivation: Activation = .identity) {
        self.rate = rate
        self.batch = batch
        self.downstreamActivation = downstreamActivation
    }

    /// One step on every level. Kinds missing from `plastic` stay unchanged.
    public func step(_ circuit: inout Circuit, plastic: Set<ProjectionKind>, using rng: inout Xoshiro256StarStar) {
        let noiseStd = 1 / Float(batch)
        for l in 1...circuit.levels {
            let n = circuit.architecture.upstreamSizes[l]
            let d = Matrix(normal: batch, n, std: noiseStd, using: &rng)
            var g = BLAS.product(d, circuit[l].V, transposeB: true)
            downstreamActivation.apply(&g)
            let dV = ReciprocalHebbian.updates(d: d, g: g)
            if plastic.contains(.V) { SynapticScaling.update(&circuit[l].V, by: dV.V, rate: rate) }
            if plastic.contains(.Vbar) { SynapticScaling.update(&circuit[l].Vbar, by: dV.Vbar, rate: rate) }
        }
    }
}
