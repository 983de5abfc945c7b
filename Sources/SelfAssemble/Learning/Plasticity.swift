/// The change a minibatch asks of one level's synapses, at unit learning rate and before
/// weight decay and synaptic scaling: the direction of each update. nil means the rule
/// leaves that projection alone.
public struct LevelPlasticity: Sendable {
    public var W: Matrix?
    public var b: [Float]?
    public var V: Matrix?
    public var Vbar: Matrix?
    public var Wbar: Matrix?

    public init(W: Matrix? = nil, b: [Float]? = nil, V: Matrix? = nil, Vbar: Matrix? = nil, Wbar: Matrix? = nil) {
        self.W = W
        self.b = b
        self.V = V
        self.Vbar = Vbar
        self.Wbar = Wbar
    }
}

/// The plasticity of a whole circuit for one minibatch, with what the error module saw.
public struct Plasticity: Sendable {
    /// Level l at `levels[l - 1]`.
    public var levels: [LevelPlasticity]
    /// Mean loss of the batch before the update.
    public var loss: Double
    /// Correctly classified samples of the batch before the update.
    public var correct: Int
    public var samples: Int

    public subscript(level: Int) -> LevelPlasticity { levels[level - 1] }

    /// False when the loss or any update is not finite: applying it would destroy the circuit.
    public var isFinite: Bool {
        loss.isFinite && levels.allSatisfy { p in
            [p.W, p.V, p.Vbar, p.Wbar].allSatisfy { $0?.isFinite ?? true } && (p.b?.allSatisfy { $0.isFinite } ?? true)
        }
    }
}

/// Learning rates and switches that turn plasticity into weight changes.
public struct PlasticitySettings: Equatable, Sendable, Codable {
    /// eta_W, for W_l, b_l and Wbar_l.
    public var etaW: Float
    /// eta_V, for V_l and Vbar_l.
    public var etaV: Float
    /// lambda, the weight decay on W_l and Wbar_l per step.
    public var weightDecay: Float
    /// The projection kinds allowed to change (the ablations switch kinds off).
    public var plastic: Set<ProjectionKind>

    public init(etaW: Float, etaV: Float, weightDecay: Float, plastic: Set<ProjectionKind> = Set(ProjectionKind.allCases)) {
        self.etaW = etaW
        self.etaV = etaV
        self.weightDecay = weightDecay
        self.plastic = plastic
    }
}

extension Circuit {
    /// Applies one minibatch's plasticity:
    ///
    ///     W_l    += eta_W dW_l    - lambda W_l      b_l += eta_W db_l
    ///     Wbar_l += eta_W dWbar_l - lambda Wbar_l
    ///     V_l    += eta_V dV_l,    then synaptic scaling (same for Vbar_l)
    ///
    /// A projection kind missing from `settings.plastic` is left unchanged (no decay either).
    public mutating func apply(_ plasticity: Plasticity, settings s: PlasticitySettings) {
        for l in 1...levels {
            let p = plasticity[l]
            if s.plastic.contains(.W), let dW = p.W {
                Self.decay(&self[l].W, by: s.weightDecay)
                BLAS.axpy(s.etaW, dW, &self[l].W)
                if let db = p.b {
                    for i in db.indices { self[l].b[i] += s.etaW * db[i] }
                }
            }
            // In place: a copy of Wbar taken out and put back would copy the whole matrix.
            if s.plastic.contains(.Wbar), let dWbar = p.Wbar, self[l].Wbar != nil {
                Self.decay(&self[l].Wbar!, by: s.weightDecay)
                BLAS.axpy(s.etaW, dWbar, &self[l].Wbar!)
            }
            if s.etaV != 0 {
                if s.plastic.contains(.V), let dV = p.V {
                    SynapticScaling.update(&self[l].V, by: dV, rate: s.etaV)
                }
                if s.plastic.contains(.Vbar), let dVbar = p.Vbar {
                    SynapticScaling.update(&self[l].Vbar, by: dVbar, rate: s.etaV)
                }
            }
        }
    }

    private static func decay(_ m: inout Matrix, by lambda: Float) {
        if lambda != 0 { BLAS.scale(1 - lambda, &m) }
    }
}
