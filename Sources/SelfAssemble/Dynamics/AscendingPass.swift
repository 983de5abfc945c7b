/// The rates of the ascending (upstream) stream for a minibatch: z_l = W_l h_{l-1} + b_l,
/// h_l = f(z_l) below the top (f = relu by default), h_L = z_L (the logits). One row per sample.
///
/// A circuit whose rule owns forward skip connections (dtp-skip's S_l: U_{l-2} -> U_l, in
/// ``Circuit/feedback``) adds them: z_l = W_l h_{l-1} + S_l h_{l-2} + b_l for l >= 3. This is the
/// one place the network is evaluated (training, test accuracy, the motif probe, the inverses'
/// forward pathway), so every evaluation includes them; a circuit without S_l (every other
/// rule) is computed exactly as before, with no term added.
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
            let zl = Self.preActivation(circuit, level: l, below: h[l - 1], twoBelow: l >= 2 ? h[l - 2] : nil)
            z.append(zl)
            var hl = zl
            if l < L { activation.apply(&hl) }
            h.append(hl)
        }
        self.h = h
        self.z = z
    }

    /// z_l = h_{l-1} W_l^T (+ h_{l-2} S_l^T when the circuit has S_l) + b_l for a batch (B x n_l),
    /// from the rates of the level below (`below`, B x n_{l-1}) and the one below that
    /// (`twoBelow`, B x n_{l-2}; read only when S_l exists).
    public static func preActivation(_ circuit: Circuit, level l: Int, below: Matrix, twoBelow: Matrix?) -> Matrix {
        var z = BLAS.product(below, circuit[l].W, transposeB: true)
        if let S = circuit.skipConnection(into: l) {
            guard let twoBelow else { preconditionFailure("S_\(l) needs the rates of level \(l - 2)") }
            BLAS.gemm(twoBelow, transposeA: false, S, transposeB: true, alpha: 1, beta: 1, into: &z)
        }
        z.addToEachRow(circuit[l].b)
        return z
    }
}

extension Circuit {
    /// S_l (n_l x n_{l-2}), the forward skip connection U_{l-2} -> U_l that dtp-skip owns; nil
    /// for every other rule's circuit and for l < 3.
    public func skipConnection(into l: Int) -> Matrix? {
        l >= 3 ? feedback[FeedbackName.S(l)] : nil
    }
}
