/// Whether a learning step may be applied: the run diverges at the first step where
///
/// - the minibatch loss exceeds ``runawayFactor`` times the loss of chance (``Loss/chanceLoss(classes:)``:
///   ln K for cross-entropy): learning ran away (see ``runawayFactor`` for why the bound is safe), or
/// - the loss or an activity the updates are made of is not finite (for the circuit rule the
///   B-row matrices h_{l-1}, a_l, g_l, d_l; a rule that gives a dense update, that update), or
/// - an update that is applied could make a weight or bias non-finite (the rule's own
///   projections that learn with W, ``Plasticity/feedback``, included): for each applied
///   direction, (1 - lambda) max|M| + eta x (a bound of the direction's largest entry, from its
///   factors: ``UpdateDirection/magnitudeBound``) must stay below half of Float's largest value
///   (the half absorbs the rounding of the product's sums).
///
/// The first test does not depend on which updates are applied or computed (the activities
/// are computed in every case), so skipping dV and dVbar at eta_V = 0 moves no divergence;
/// the second makes sure no step leaves weights that overflowed, so a diverged run stops with
/// the last finite circuit. It costs a scan of the B-row activities per step, not of the
/// weight-sized updates: max|M| is carried as a bound from step to step (the bound after an
/// update is the one just tested), and the weights are scanned only when the carried bound is
/// unknown (after development or a restart) or too large to decide; then the decision is taken
/// on the exact value, so it is the same whatever was carried (runs stay bit-identical on
/// resumption). V and Vbar, rescaled by synaptic scaling after each update, are scanned again
/// when they are next updated.
public struct DivergenceCheck: Sendable {
    /// Carried bounds of max|M| per level (index l - 1) and kind (ProjectionKind.allCases order).
    private var bounds: [[Double?]]
    /// Carried bounds of max|F| for the rule's projections that learn with W (``Plasticity/feedback``), by name.
    private var feedbackBounds: [String: Double] = [:]
    private static let limit = Double(Float.greatestFiniteMagnitude) / 2
    /// The largest minibatch loss of a step that is applied (``runawayFactor`` x chance).
    let runawayLoss: Double

    /// A minibatch loss above this many times the loss of chance is runaway learning: 10^4
    /// (23,026 for cross-entropy over 10 classes). Why this bound: a cross-entropy loss of
    /// 10^4 ln K needs the logits of wrong classes to exceed the right one's by about that
    /// much on average; softmax saturates at a margin of a few tens, so such a circuit has left
    /// the range where its update can bring it back (its gradient no longer shrinks as the
    /// weights grow), and the loss kept climbing to 10^19 and beyond at chance accuracy in the
    /// runs that showed it (`compare --rules fa --rates fa=1000` on digits). Runs that learn stay
    /// far below it: the random initial circuit starts near chance (2.3 on 10 classes); over the
    /// whole test suite the largest loss of a run that did not run away was 607 times chance (a
    /// 120-step development, which still ended above chance), while the runs that passed 10^4
    /// ended at chance or with a non-finite loss before the bound existed; the README's and
    /// docs/'s learning runs (the default, digits, the eight-hidden-level circuit at three
    /// weight decays) keep their numbers, and those that diverged diverge one or two steps
    /// earlier. For mse (chance 0.45 on 10 classes) the bound means outputs about 100 times
    /// their targets.
    public static let runawayFactor = 1e4

    /// - Parameters:
    ///   - levels: L, the circuit's levels.
    ///   - runawayLoss: the largest minibatch loss admitted (``runawayFactor`` x chance; infinity: no bound).
    init(levels: Int, runawayLoss: Double) {
        bounds = Array(repeating: [nil, nil, nil, nil], count: levels)
        self.runawayLoss = runawayLoss
    }

    /// The check for a run of `loss` over `classes` classes.
    init(levels: Int, loss: Loss, classes: Int) {
        self.init(levels: levels, runawayLoss: Self.runawayFactor * loss.chanceLoss(classes: classes))
    }

    /// Forgets the carried bounds: the weights changed in a way the check did not see.
    mutating func forget() {
        for l in bounds.indices { bounds[l] = [nil, nil, nil, nil] }
        feedbackBounds = [:]
    }

    /// True when `p` may be applied to `circuit` (and the bounds then carry the weights after it).
    mutating func admits(_ p: Plasticity, to circuit: Circuit, settings s: PlasticitySettings) -> Bool {
        refusal(of: p, to: circuit, settings: s) == nil
    }

    /// Why `p` may not be applied to `circuit`; nil when it may (and the bounds then carry the
    /// weights after it).
    mutating func refusal(of p: Plasticity, to circuit: Circuit, settings s: PlasticitySettings) -> DivergenceCause? {
        guard p.loss.isFinite else { return .notFinite }
        guard p.loss <= runawayLoss else { return .runaway(loss: p.loss, bound: runawayLoss) }
        guard admitsUpdates(p, to: circuit, settings: s) else { return .notFinite }
        return nil
    }

    private mutating func admitsUpdates(_ p: Plasticity, to circuit: Circuit, settings s: PlasticitySettings) -> Bool {
        var next = bounds
        for l in 1...circuit.levels {
            let level = p[l]
            for (k, kind) in ProjectionKind.allCases.enumerated() {
                guard let direction = level.direction(kind) else { continue }
                guard direction.isFinite else { return false }
                guard let change = s.change(of: kind), let weights = circuit[l][kind] else { continue }
                guard let after = Self.bound(after: direction, rate: change.rate, decay: change.decay,
                                             carried: bounds[l - 1][k], weights: weights) else { return false }
                // Synaptic scaling rescales V and Vbar by a factor this check does not see.
                next[l - 1][k] = kind == .V || kind == .Vbar ? nil : after
            }
            if let db = level.b, s.change(of: .W) != nil {
                let b = circuit[l].b
                for i in db.indices where !(b[i] + s.etaW * db[i]).isFinite { return false }
            }
        }
        var nextFeedback = feedbackBounds
        for (name, direction) in p.feedback {
            guard direction.isFinite else { return false }
            guard let change = s.change(of: .W), let weights = circuit.feedback[name] else { continue }
            guard let after = Self.bound(after: direction, rate: change.rate, decay: change.decay,
                                         carried: feedbackBounds[name], weights: weights) else { return false }
            nextFeedback[name] = after
        }
        bounds = next
        feedbackBounds = nextFeedback
        return true
    }

    /// The first of `names` (in ``FeedbackProjection/ordered(_:)`` order) whose projection in
    /// `circuit.feedback` is not finite or passes the bound (half of Float's largest value);
    /// nil when all are within it. Checked after a rule learned its feedback
    /// (``LearningRule/learnFeedback(_:update:context:)``), whose updates (a learned inverse's
    /// least-squares step on noisy rates) have no factored bound like the forward updates.
    static func unboundedFeedback(of circuit: Circuit) -> String? {
        FeedbackProjection.ordered(circuit.feedback.keys).first { !isBounded(circuit.feedback[$0]!) }
    }

    /// Why a development step of `stage` that left `circuit` may not stand: a weight it changes
    /// (V and Vbar in the reciprocal stage, W and Wbar in the descending stage) is not finite;
    /// nil when all are. The bit scan of ``Matrix/isFinite`` (the cheapest pass over the
    /// changed weights; about 2% of a development step on levels of 512). Finite weights
    /// too large to learn from are caught at the first learning step
    /// (``Simulation``'s development cause of a non-finite first step).
    static func developmentRefusal(of circuit: Circuit, stage: Phase) -> DivergenceCause? {
        let kinds: [ProjectionKind] = stage == .reciprocalStage ? [.V, .Vbar] : [.W, .Wbar]
        for l in 1...circuit.levels {
            for kind in kinds {
                guard let m = circuit[l][kind], !m.isFinite else { continue }
                return .development(stage: stage, largestWeight: m.largestMagnitude)
            }
        }
        return nil
    }

    /// Every entry finite and at most the bound (NaN compares false).
    private static func isBounded(_ m: Matrix) -> Bool { m.largestMagnitude <= Float(limit) }

    /// The bound of max|M| after `M <- (1 - decay) M + rate * direction`, nil when it could pass
    /// the limit (then the step diverges). From the carried bound of max|M|, or from M itself
    /// when none is carried or the carried one is too large to decide.
    private static func bound(after direction: UpdateDirection, rate: Float, decay: Float, carried: Double?, weights: Matrix) -> Double? {
        let size = direction.magnitudeBound
        guard size.isFinite else { return nil }
        let rate = Double(rate), keep = 1 - Double(decay)
        var current = carried ?? Double(weights.largestMagnitude)
        if keep * current + rate * size > limit && carried != nil {
            current = Double(weights.largestMagnitude)
        }
        let after = keep * current + rate * size
        return after <= limit ? after : nil
    }
}
