/// What a learning rule with its own state sees when it maintains that state: the seed of the
/// run (rules that redraw random matrices draw them from a generator seeded by the seed and the
/// step, so a continued run redraws the same matrices), the step, the minibatch and the rates.
public struct FeedbackContext: Sendable {
    public var seed: UInt64
    /// The update being taken (the circuit goes from `step` to `step + 1`).
    public var step: Int
    /// The minibatch (B x n_0) and its labels.
    public var input: Matrix
    public var labels: [Int]
    public var settings: PlasticitySettings

    public init(seed: UInt64, step: Int, input: Matrix, labels: [Int], settings: PlasticitySettings) {
        self.seed = seed
        self.step = step
        self.input = input
        self.labels = labels
        self.settings = settings
    }

    /// A generator for this step's redraws: independent of every other stream of the run.
    public func generator(for stream: RandomStream) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: seed ^ (UInt64(step) &* 0xD1B5_4A32_D192_ED03), stream: stream.rawValue)
    }
}

/// The projections a rule owns (B_l of feedback alignment, the inverses of target propagation,
/// dtp-skip's forward skip connections S_l, ...): named matrices beside the circuit's own (see
/// ``Circuit/feedback``).
public enum FeedbackName {
    /// B_l: U_l -> U_{l-1} (n_{l-1} x n_l), the feedback that replaces W_l^T (l = 2 ... L).
    public static func B(_ level: Int) -> String { "B_\(level)" }
    /// Bdirect_l: U_L -> U_l (n_l x n_L), direct feedback alignment's path from the error (l < L).
    public static func Bdirect(_ level: Int) -> String { "Bdirect_\(level)" }
    /// R_l: the fixed magnitudes of frSF (n_{l-1} x n_l).
    public static func R(_ level: Int) -> String { "R_\(level)" }
    /// Q_l: U_l -> U_{l-1} (n_{l-1} x n_l), the learned inverse of level l (target propagation).
    public static func Q(_ level: Int) -> String { "Q_\(level)" }
    /// c_l: the bias of the inverse Q_l (1 x n_{l-1}).
    public static func c(_ level: Int) -> String { "c_\(level)" }
    /// Qskip_l: U_l -> U_{l-2} (n_{l-2} x n_l), the learned skip inverse of dtp-skip, past level l-1 (l = 3 ... L).
    public static func Qskip(_ level: Int) -> String { "Qskip_\(level)" }
    /// cskip_l: the bias of the skip inverse Qskip_l (1 x n_{l-2}).
    public static func cskip(_ level: Int) -> String { "cskip_\(level)" }
    /// S_l: U_{l-2} -> U_l (n_l x n_{l-2}), dtp-skip's forward skip connection into level l,
    /// beside W_l (l = 3 ... L): z_l = W_l h_{l-1} + S_l h_{l-2} + b_l (``AscendingActivity``).
    public static func S(_ level: Int) -> String { "S_\(level)" }
}

/// Error propagation through feedback matrices in place of W_l^T, shared by the rules of the
/// feedback-alignment family: delta_L = e, delta_{l-1} = f'(z_{l-1}) * (delta_l B_l^T), and
/// dW_l = -delta_l^T h_{l-1}, db_l = -sum of delta_l over the batch (shapes as in
/// ``BackpropagatedError``). With B_l = W_l^T it is backpropagation.
public enum ErrorFeedback {
    /// The plasticity from per-level errors `delta[l]` (B x n_l; `delta[0]` unused).
    public static func plasticity(deltas delta: [Matrix], ascending up: AscendingActivity, error err: ErrorSignal) -> Plasticity {
        let levels = (1..<delta.count).map { l in
            LevelPlasticity(dW: .outerProduct(post: delta[l], pre: up.h[l - 1], scale: -1),
                            db: delta[l].columnSums().map { -$0 })
        }
        return Plasticity(levels: levels, loss: err.loss, correct: err.correct, samples: up.h[0].rows)
    }

    /// delta_{l-1} = f'(z_{l-1}) * (delta_l F^T), with F (n_{l-1} x n_l) the feedback of level l.
    public static func descend(_ delta: Matrix, through feedback: Matrix, gate: Matrix) -> Matrix {
        var prev = BLAS.product(delta, feedback, transposeB: true)
        prev.multiplyElementwise(by: gate)
        return prev
    }

    /// Errors propagated level by level through `feedback(l)` (n_{l-1} x n_l) from delta_L = e.
    public static func deltas(circuit: Circuit, ascending up: AscendingActivity, error: Matrix,
                              feedback: (Int) -> Matrix) -> [Matrix] {
        let L = circuit.levels
        var delta = [Matrix](repeating: Matrix(zeros: 0, 0), count: L + 1)
        delta[L] = error
        for l in stride(from: L, through: 2, by: -1) {
            delta[l - 1] = descend(delta[l], through: feedback(l), gate: up.gate(level: l - 1))
        }
        return delta
    }

    /// A feedback matrix the circuit must hold: a rule's own state, set up by
    /// ``LearningRule/initialFeedback(for:seed:)``.
    public static func matrix(_ circuit: Circuit, _ name: String) -> Matrix {
        guard let m = circuit.feedback[name] else {
            preconditionFailure("the circuit has no feedback projection \(name): initialise it with the rule's initialFeedback")
        }
        return m
    }
}
