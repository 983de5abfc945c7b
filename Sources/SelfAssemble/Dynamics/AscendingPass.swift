/// The rates of the ascending (upstream) stream for a minibatch: z_l = W_l h_{l-1} + b_l,
/// h_l = f(z_l) below the top (f = relu by default), h_L = z_L (the logits). One row per sample.
public struct AscendingActivity: Sendable {
    /// h_0 (the input) ... h_L; `h[l]` is level l.
    public var h: [Matrix]
    /// z_1 ... z_L at `z[l]`; `z[0]` is the input again, for uniform indexing.
    public var z: [Matrix]

    /// f, the activation of the hidden levels.
    public let activation: Activation

    public var logits: Matrix { h[h.count - 1] }

    /// f'(z_l): the somatic gate of level l's apical input.
    public func gate(level l: Int) -> Matrix { activation.gate(z[l]) }

    /// `x ⊙= f'(z_l)`: level l's somatic gate applied to an apical input, in one pass.
    public func applyGate(level l: Int, to x: inout Matrix) { activation.multiplyByGate(&x, of: z[l]) }

    public init(circuit: Circuit, input: Matrix, activation: Activation = .relu) {
        self.activation = activation
        precondition(input.cols == circuit.architecture.upstreamSizes[0],
                     "input has \(input.cols) features, U_0 has \(circuit.architecture.upstreamSizes[0]) cells")
        var h = [input], z = [input]
        let L = circuit.levels
        for l in 1...L {
            var zl = BLAS.product(h[l - 1], circuit[l].W, transposeB: true)
            zl.addToEachRow(circuit[l].b)
            z.append(zl)
            var hl = zl
            if l < L { activation.apply(&hl) }
            h.append(hl)
        }
        self.h = h
        self.z = z
    }
}
