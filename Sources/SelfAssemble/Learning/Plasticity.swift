/// The direction of one projection's update at unit rate: a matrix, or the batch's outer
/// product kept as its two factors. A local rule's update is post x pre summed over the batch
/// (dW_l = -a_l^T h_{l-1}: a rank-B product of two B-row activities), so keeping the factors
/// lets ``Circuit/apply(_:settings:)`` fold rate, decay and update into one sgemm, never
/// computes an update that is not applied (dV_l and dVbar_l at eta_V = 0), and lets the
/// divergence check bound the update from the activities alone.
public enum UpdateDirection: Sendable {
    /// The update itself (rows x cols of the projection).
    case dense(Matrix)
    /// `scale * post^T pre`, summed over the B rows (post: B x rows, pre: B x cols).
    case outerProduct(post: Matrix, pre: Matrix, scale: Float)

    /// The update as a matrix (computed here for an outer product).
    public var matrix: Matrix {
        switch self {
        case .dense(let m): m
        case .outerProduct(let post, let pre, let scale): BLAS.product(post, transposeA: true, pre, alpha: scale)
        }
    }

    /// The direction of the transposed projection (an outer product with its factors swapped).
    public var transposed: UpdateDirection {
        switch self {
        case .dense(let m): .dense(m.transposed)
        case .outerProduct(let post, let pre, let scale): .outerProduct(post: pre, pre: post, scale: scale)
        }
    }

    /// True when the update (for an outer product, each of its factors) is finite.
    public var isFinite: Bool {
        switch self {
        case .dense(let m): m.isFinite
        case .outerProduct(let post, let pre, _): post.isFinite && pre.isFinite
        }
    }

    /// An upper bound of a finite update's largest |entry| in exact arithmetic (check
    /// ``isFinite`` first). For an outer product: B max|post| max|pre| |scale|, from the two
    /// B-row factors without forming the product (through the BLAS's isamax).
    public var magnitudeBound: Double {
        switch self {
        case .dense(let m): Double(m.largestMagnitude)
        case .outerProduct(let post, let pre, let scale):
            Double(post.rows) * Double(BLAS.largestMagnitude(post)) * Double(BLAS.largestMagnitude(pre)) * Double(abs(scale))
        }
    }

    /// `m <- (1 - decay) m + rate * direction`. An outer product does it in one sgemm
    /// (alpha = rate * scale, beta = 1 - decay); a dense update scales m, then adds.
    public func add(rate: Float, decay: Float, to m: inout Matrix) {
        switch self {
        case .dense(let d):
            if decay != 0 { BLAS.scale(1 - decay, &m) }
            BLAS.axpy(rate, d, &m)
        case .outerProduct(let post, let pre, let scale):
            BLAS.gemm(post, transposeA: true, pre, transposeB: false, alpha: rate * scale, beta: 1 - decay, into: &m)
        }
    }
}

/// The change a minibatch asks of one level's synapses, at unit learning rate and before
/// weight decay and synaptic scaling: the direction of each update. nil means the rule
/// leaves that projection alone. `W`, `V`, `Vbar` and `Wbar` give each direction as a matrix
/// (an outer product is multiplied out when read); ``direction(_:)`` gives it as the rule
/// computed it.
public struct LevelPlasticity: Sendable {
    public var b: [Float]?
    private var directions: [UpdateDirection?] = [nil, nil, nil, nil]

    public init(W: Matrix? = nil, b: [Float]? = nil, V: Matrix? = nil, Vbar: Matrix? = nil, Wbar: Matrix? = nil) {
        self.init(dW: W.map(UpdateDirection.dense), db: b, dV: V.map(UpdateDirection.dense),
                  dVbar: Vbar.map(UpdateDirection.dense), dWbar: Wbar.map(UpdateDirection.dense))
    }

    /// From directions as the rule computed them (labelled apart from the matrix initialiser,
    /// so that `LevelPlasticity(W: nil, ...)` stays unambiguous).
    public init(dW: UpdateDirection?, db: [Float]? = nil, dV: UpdateDirection? = nil, dVbar: UpdateDirection? = nil,
                dWbar: UpdateDirection? = nil) {
        b = db
        directions = [dW, dV, dVbar, dWbar]
    }

    private static func index(_ kind: ProjectionKind) -> Int {
        switch kind {
        case .W: 0
        case .V: 1
        case .Vbar: 2
        case .Wbar: 3
        }
    }

    /// The direction of a projection's update as the rule computed it.
    public func direction(_ kind: ProjectionKind) -> UpdateDirection? { directions[Self.index(kind)] }

    public mutating func setDirection(_ kind: ProjectionKind, _ direction: UpdateDirection?) {
        directions[Self.index(kind)] = direction
    }

    public var W: Matrix? {
        get { direction(.W)?.matrix }
        set { setDirection(.W, newValue.map(UpdateDirection.dense)) }
    }
    public var V: Matrix? {
        get { direction(.V)?.matrix }
        set { setDirection(.V, newValue.map(UpdateDirection.dense)) }
    }
    public var Vbar: Matrix? {
        get { direction(.Vbar)?.matrix }
        set { setDirection(.Vbar, newValue.map(UpdateDirection.dense)) }
    }
    public var Wbar: Matrix? {
        get { direction(.Wbar)?.matrix }
        set { setDirection(.Wbar, newValue.map(UpdateDirection.dense)) }
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
    /// Updates of projections the rule owns that learn as W does (dtp-skip's forward skip
    /// connections S_l, by their ``FeedbackName``): applied by ``Circuit/apply(_:settings:)``
    /// with eta_W and lambda, and checked by the divergence check, in the same step as W. Empty
    /// for every other rule (feedback learned otherwise is learned in
    /// ``LearningRule/learnFeedback(_:update:context:)``).
    public var feedback: [String: UpdateDirection] = [:]

    public init(levels: [LevelPlasticity], loss: Double, correct: Int, samples: Int, feedback: [String: UpdateDirection] = [:]) {
        self.levels = levels
        self.loss = loss
        self.correct = correct
        self.samples = samples
        self.feedback = feedback
    }

    public subscript(level: Int) -> LevelPlasticity { levels[level - 1] }

    /// False when the loss, a bias update or any update direction is not finite; for a direction
    /// kept as an outer product, when one of its two activities (B rows each) is not. Whether
    /// applying finite directions keeps the weights finite is ``DivergenceCheck``'s question.
    public var isFinite: Bool {
        loss.isFinite && levels.allSatisfy { p in
            ProjectionKind.allCases.allSatisfy { p.direction($0)?.isFinite ?? true }
                && (p.b?.allSatisfy { $0.isFinite } ?? true)
        } && feedback.values.allSatisfy(\.isFinite)
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

extension PlasticitySettings {
    /// The rate and decay with which a kind's direction is applied, nil when it is not applied
    /// (not plastic, or V and Vbar at eta_V = 0). V and Vbar are then rescaled by synaptic scaling.
    public func change(of kind: ProjectionKind) -> (rate: Float, decay: Float)? {
        guard plastic.contains(kind) else { return nil }
        switch kind {
        case .W, .Wbar: return (etaW, weightDecay)
        case .V, .Vbar: return etaV != 0 ? (etaV, 0) : nil
        }
    }
}

extension Circuit {
    /// Applies one minibatch's plasticity:
    ///
    ///     W_l    <- (1 - lambda) W_l    + eta_W dW_l        b_l += eta_W db_l
    ///     Wbar_l <- (1 - lambda) Wbar_l + eta_W dWbar_l
    ///     V_l    += eta_V dV_l,    then synaptic scaling (same for Vbar_l)
    ///     F      <- (1 - lambda) F      + eta_W dF          (each of the rule's projections
    ///                                                        in `plasticity.feedback`, e.g. S_l)
    ///
    /// A projection kind missing from `settings.plastic` is left unchanged (no decay either; the
    /// rule's projections in `plasticity.feedback` follow W's switch); a direction that is not
    /// applied is never multiplied out.
    public mutating func apply(_ plasticity: Plasticity, settings s: PlasticitySettings) {
        for l in 1...levels {
            let p = plasticity[l]
            if let c = s.change(of: .W), let dW = p.direction(.W) {
                dW.add(rate: c.rate, decay: c.decay, to: &self[l].W)
                if let db = p.b {
                    for i in db.indices { self[l].b[i] += s.etaW * db[i] }
                }
            }
            // In place: a copy of Wbar taken out and put back would copy the whole matrix.
            if let c = s.change(of: .Wbar), let dWbar = p.direction(.Wbar), self[l].Wbar != nil {
                dWbar.add(rate: c.rate, decay: c.decay, to: &self[l].Wbar!)
            }
            if let c = s.change(of: .V), let dV = p.direction(.V) {
                SynapticScaling.update(&self[l].V, by: dV, rate: c.rate)
            }
            if let c = s.change(of: .Vbar), let dVbar = p.direction(.Vbar) {
                SynapticScaling.update(&self[l].Vbar, by: dVbar, rate: c.rate)
            }
        }
        if let c = s.change(of: .W) {
            // In a fixed order (the dictionary's is not), in place.
            for name in plasticity.feedback.keys.sorted() where feedback[name] != nil {
                plasticity.feedback[name]!.add(rate: c.rate, decay: c.decay, to: &feedback[name]!)
            }
        }
    }
}
