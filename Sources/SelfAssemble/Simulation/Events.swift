/// A recorded moment of a run: the full circuit and every measurement.
public struct Snapshot: Sendable {
    /// Number of updates applied so far (0: the random initial circuit).
    public var step: Int
    public var phase: Phase
    /// Completed learning epochs.
    public var epoch: Int
    public var circuit: Circuit
    public var motif: [LevelMotifMetrics]
    /// Mean loss and accuracy over the current epoch's batches so far (NaN in development).
    public var trainLoss: Double
    public var trainAccuracy: Double
    /// Accuracy on the test set now: on all of it at an epoch's end, the run's last step and a
    /// divergence, elsewhere on ``Simulation/snapshotTestSamples`` of it (`testSamples` says how many).
    public var testAccuracy: Double
    /// With `circuit`, all a run needs to continue from this snapshot.
    public var checkpoint: SimulationCheckpoint
    /// The number of test samples `testAccuracy` was measured on.
    public var testSamples: Int
}

/// A lightweight report after every step, for progress displays.
public struct SimulationProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var phase: Phase
    public var epoch: Int
    public var epochs: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    /// The latest snapshot's measurements.
    public var latestTestAccuracy: Double
    public var latestMotif: [LevelMotifMetrics]
}

/// What a run reports as it goes.
// Indirect: a snapshot carries a whole circuit and checkpoint; boxing keeps the enum small.
public indirect enum SimulationEvent: Sendable {
    case progress(SimulationProgress)
    case snapshot(Snapshot)
    /// The motif assembled at `level`, with its onset step.
    case assembled(level: Int, onsetStep: Int)
    /// Learning diverged at `step` for `cause` (``DivergenceCheck``): the update was not
    /// applied, and the run stopped.
    case diverged(step: Int, cause: DivergenceCause)
    /// A learning epoch ended.
    case epochEnded(epoch: Int, trainLoss: Double, trainAccuracy: Double, testAccuracy: Double)
}

/// Why learning diverged (``DivergenceCheck``).
public enum DivergenceCause: Sendable, Equatable {
    /// The loss or an activity was not finite, or the update could overflow the weights.
    case notFinite
    /// The minibatch loss exceeded the runaway bound (``DivergenceCheck/runawayFactor`` times
    /// the loss of chance).
    case runaway(loss: Double, bound: Double)
    /// The rule's learned feedback (``LearningRule/learnFeedback(_:update:context:)``: Kolen-Pollack's
    /// B_l, the learned inverses Q_l, c_l of target propagation and GAIT-prop) would have become
    /// non-finite or passed the bound of ``DivergenceCheck`` in projection `projection` (a
    /// ``FeedbackName``): its own hyperparameters (e.g. --inverse-rate, --inverse-noise) are the cause,
    /// not eta_W's update of W.
    case feedbackLearning(projection: String)
    /// Development blew up: a step of `stage` would have made a weight it changes non-finite
    /// or pass the bound of ``DivergenceCheck`` (then `step` is that development step), or the
    /// weights development left (`largestWeight`, max |W|) already make the first learning
    /// step's activities non-finite. The stage's rate is the cause, not eta_W.
    case development(stage: Phase, largestWeight: Float)
}

/// The end of a run.
public struct SimulationSummary: Sendable {
    public var rule: RuleKind
    public var steps: Int
    public var finalTestAccuracy: Double
    public var finalTrainAccuracy: Double
    /// Test accuracy after each epoch.
    public var testAccuracyByEpoch: [Double]
    /// Onset step per level (index l - 1), nil where the motif did not assemble.
    public var onsets: [Int?]
    /// Why each level did not assemble, in words (nil where it did).
    public var shortfalls: [String?]
    public var finalMotif: [LevelMotifMetrics]
    public var finalCircuit: Circuit
    /// Where learning diverged and the run stopped; nil for a run that went to the end.
    public var divergedAtStep: Int?
    /// Why it diverged (nil when it did not, or when it diverged before it was continued).
    public var divergenceCause: DivergenceCause? = nil
}

/// A run that cannot go on.
public enum SimulationError: Error, CustomStringConvertible {
    /// The weights themselves became non-finite although the divergence check admitted every
    /// step (it refuses learning, feedback-learning and development steps that could overflow);
    /// found when the next snapshot is taken. A last guard, not expected to happen.
    case overflow(step: Int)

    public var description: String {
        switch self {
        case .overflow(let step):
            "a weight became non-finite by step \(step) although every step passed the divergence check: lower the rates of this run (--eta-w, --eta-v, the rule's own) and report it as a bug of the check"
        }
    }
}
