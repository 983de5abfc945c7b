/// The activity of the descending stream for a minibatch, from the error module down:
///
///     g_l = phi(V_l d_l)                        D_l's activity
///     a_l = Vbar_l g_l                          apical input of U_l
///     d_{l-1} = f'(z_{l-1}) * (Wbar_l g_l)      apical input of U_{l-1}, gated by its soma
///
/// with d_L = e from the error module. One row per sample.
public struct DescendingActivity: Sendable {
    /// d_1 ... d_L at `d[l]` (`d[0]` unused, empty).
    public var d: [Matrix]
    /// g_1 ... g_L at `g[l]`.
    public var g: [Matrix]
    /// a_1 ... a_L at `a[l]`.
    public var a: [Matrix]

    public init(circuit: Circuit, ascending: AscendingActivity, error: Matrix, phi: Activation) {
        let L = circuit.levels
        let empty = Matrix(zeros: 0, 0)
        var d = [Matrix](repeating: empty, count: L + 1)
        var g = d, a = d
        d[L] = error
        for l in stride(from: L, through: 1, by: -1) {
            var gl = BLAS.product(d[l], circuit[l].V, transposeB: true)
            phi.apply(&gl)
            a[l] = BLAS.product(gl, circuit[l].Vbar, transposeB: true)
            if l >= 2, let wbar = circuit[l].Wbar {
                var dPrev = BLAS.product(gl, wbar, transposeB: true)
                ascending.applyGate(level: l - 1, to: &dPrev)
                d[l - 1] = dPrev
            }
            g[l] = gl
        }
        self.d = d
        self.g = g
        self.a = a
    }
}
