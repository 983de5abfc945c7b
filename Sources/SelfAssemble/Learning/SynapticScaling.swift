/// Synaptic scaling: after a Hebbian update, the projection is rescaled to the Frobenius norm
/// it had before, so that Hebbian growth redistributes strength instead of adding it. This is
/// what lets the shared part of V_l and Vbar_l^T win over their independent random parts.
public enum SynapticScaling {
    /// `m += rate * delta`, then rescale `m` to its norm before the update.
    public static func update(_ m: inout Matrix, by delta: Matrix, rate: Float) {
        update(&m, by: .dense(delta), rate: rate)
    }

    /// `m += rate * delta` for a direction (an outer product is added by one sgemm), then
    /// rescale `m` to its norm before the update.
    public static func update(_ m: inout Matrix, by delta: UpdateDirection, rate: Float) {
        let before = BLAS.frobeniusNorm(m)
        delta.add(rate: rate, decay: 0, to: &m)
        let after = BLAS.frobeniusNorm(m)
        if after > 0 && before > 0 { BLAS.scale(Float(before / after), &m) }
    }
}

/// The Hebbian update of the reciprocal pair (V_l, Vbar_l), post x pre of each synapse:
/// dV_l = g_l d_l^T and dVbar_l = d_l g_l^T, the same update transposed. Shared by the
/// development phase and by the circuit rule's learning phase.
public enum ReciprocalHebbian {
    /// - Parameters: d: U_l's gated error (B x n_l); g: D_l's activity (B x m_l).
    /// - Returns: (dV: m_l x n_l, dVbar: n_l x m_l), summed over the batch.
    public static func updates(d: Matrix, g: Matrix) -> (V: Matrix, Vbar: Matrix) {
        let dV = BLAS.product(g, transposeA: true, d)
        return (dV, dV.transposed)
    }

    /// The same two updates as outer products of the activities, multiplied out only where
    /// they are applied (not at all at eta_V = 0 or with V and Vbar frozen).
    public static func directions(d: Matrix, g: Matrix) -> (V: UpdateDirection, Vbar: UpdateDirection) {
        (.outerProduct(post: g, pre: d, scale: 1), .outerProduct(post: d, pre: g, scale: 1))
    }
}
