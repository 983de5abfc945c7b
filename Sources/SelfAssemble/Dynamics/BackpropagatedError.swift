/// Backpropagation's error at every level of the upstream network (the reference the motif
/// metrics compare with): delta_L = e, delta_{l-1} = f'(z_{l-1}) * (W_l^T delta_l), and with
/// dtp-skip's forward skip connections S_{l+1}: U_{l-1} -> U_{l+1} (``Circuit/skipConnection(into:)``)
/// also their path, delta_{l-1} = f'(z_{l-1}) * (W_l^T delta_l + S_{l+1}^T delta_{l+1}).
public struct BackpropagatedError: Sendable {
    /// delta_1 ... delta_L at `delta[l]` (`delta[0]` unused, empty).
    public var delta: [Matrix]

    public init(circuit: Circuit, ascending: AscendingActivity, error: Matrix) {
        let L = circuit.levels
        var delta = [Matrix](repeating: Matrix(zeros: 0, 0), count: L + 1)
        delta[L] = error
        for l in stride(from: L, through: 2, by: -1) {
            var prev = BLAS.product(delta[l], circuit[l].W)
            if l + 1 <= L, let S = circuit.skipConnection(into: l + 1) {
                BLAS.gemm(delta[l + 1], transposeA: false, S, transposeB: false, alpha: 1, beta: 1, into: &prev)
            }
            ascending.applyGate(level: l - 1, to: &prev)
            delta[l - 1] = prev
        }
        self.delta = delta
    }

    /// grad_{W_l} Loss = delta_l^T h_{l-1} (n_l x n_{l-1}), summed over the batch.
    public func gradientW(level l: Int, ascending: AscendingActivity) -> Matrix {
        BLAS.product(delta[l], transposeA: true, ascending.h[l - 1])
    }
}
