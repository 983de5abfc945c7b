/// The synapses of one level: the four projections of the motif and U_l's bias.
public struct LevelSynapses: Equatable, Sendable {
    /// U_{l-1} -> U_l, n_l x n_{l-1}.
    public var W: Matrix
    /// Bias of U_l, n_l.
    public var b: [Float]
    /// U_l -> D_l, m_l x n_l.
    public var V: Matrix
    /// D_l -> U_l (apical), n_l x m_l.
    public var Vbar: Matrix
    /// D_l -> U_{l-1} (apical), n_{l-1} x m_l; nil at level 1.
    public var Wbar: Matrix?

    public init(W: Matrix, b: [Float], V: Matrix, Vbar: Matrix, Wbar: Matrix?) {
        self.W = W
        self.b = b
        self.V = V
        self.Vbar = Vbar
        self.Wbar = Wbar
    }

    public subscript(kind: ProjectionKind) -> Matrix? {
        switch kind {
        case .W: W
        case .V: V
        case .Vbar: Vbar
        case .Wbar: Wbar
        }
    }
}

/// The state of a circuit: its architecture and the weights of every projection.
///
/// Levels are numbered as in the model, 1 ... L: `circuit[l]` is level l.
public struct Circuit: Equatable, Sendable {
    public let architecture: Architecture
    public var synapses: [LevelSynapses]
    /// The projections a learning rule owns (e.g. B_2 of feedback alignment, Q_2 of target
    /// propagation, and the one forward kind, dtp-skip's skip connections S_l, which
    /// ``AscendingActivity`` adds to the network), by name (``FeedbackName``); empty for circuit
    /// and bp. Shapes are target cells x source cells, like every projection.
    public var feedback: [String: Matrix] = [:]

    public var levels: Int { architecture.levels }

    public subscript(level: Int) -> LevelSynapses {
        get { synapses[level - 1] }
        // In place, so that updating one projection does not copy the level's other matrices.
        _modify { yield &synapses[level - 1] }
    }

    public init(architecture: Architecture, synapses: [LevelSynapses], feedback: [String: Matrix] = [:]) {
        precondition(synapses.count == architecture.levels)
        self.architecture = architecture
        self.synapses = synapses
        self.feedback = feedback
    }

    /// Random all-to-all connectivity, independent for every projection: no symmetry, no
    /// transpose, nothing aligned. W_l ~ N(0, 2/n_{l-1}); V_l, Vbar_l, Wbar_l ~ N(0, 1/m_l);
    /// biases 0. The weights are drawn level by level in the order W, V, Vbar, Wbar, so the
    /// upstream network (W, b) of a seed is the same whatever the downstream widths.
    public init(randomFor architecture: Architecture, seed: UInt64) {
        var wRng = Xoshiro256StarStar(seed: seed, stream: RandomStream.initialWeights.rawValue)
        var dRng = Xoshiro256StarStar(seed: seed, stream: RandomStream.initialDownstreamWeights.rawValue)
        var levels = [LevelSynapses]()
        for l in 1...architecture.levels {
            let n = architecture.upstreamSizes[l], nPrev = architecture.upstreamSizes[l - 1]
            let m = architecture.downstreamSizes[l - 1]
            let wStd = Float((2.0 / Double(nPrev)).squareRoot())
            let dStd = Float((1.0 / Double(m)).squareRoot())
            let W = Matrix(normal: n, nPrev, std: wStd, using: &wRng)
            let V = Matrix(normal: m, n, std: dStd, using: &dRng)
            let Vbar = Matrix(normal: n, m, std: dStd, using: &dRng)
            let Wbar = l >= 2 ? Matrix(normal: nPrev, m, std: dStd, using: &dRng) : nil
            levels.append(LevelSynapses(W: W, b: [Float](repeating: 0, count: n), V: V, Vbar: Vbar, Wbar: Wbar))
        }
        self.init(architecture: architecture, synapses: levels)
    }

    /// The weights of a projection (nil for Wbar_1).
    public func weights(_ kind: ProjectionKind, level: Int) -> Matrix? { self[level][kind] }

    /// H_l = Vbar_l Vbar_l^T, the matrix learning rate of level l once the motif has assembled.
    public func learningRateMatrix(level: Int) -> Matrix {
        Self.learningRateMatrix(Vbar: self[level].Vbar)
    }

    /// H = Vbar Vbar^T (n x n) of a Vbar (n x m).
    public static func learningRateMatrix(Vbar: Matrix) -> Matrix {
        BLAS.product(Vbar, Vbar, transposeB: true)
    }

    /// True when every weight and bias is finite.
    public var isFinite: Bool {
        synapses.allSatisfy { s in
            s.W.isFinite && s.V.isFinite && s.Vbar.isFinite && (s.Wbar?.isFinite ?? true)
                && s.b.allSatisfy { $0.isFinite }
        } && feedback.values.allSatisfy(\.isFinite)
    }
}
