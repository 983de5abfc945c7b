/// A run of the circuit: development in two stages of spontaneous activity (the reciprocal
/// stage, then the descending stage), then the learning phase, with snapshots and the
/// assembly detector. Pure computation: what happens is reported through events, and
/// the command-line tool and the HDF5 store listen.
///
/// The whole mutable state sits in stored properties (weights, generators, data order, step),
/// so a run is determined by its configuration, its data and its step count.
public struct Simulation: Sendable {
    public let configuration: SimulationConfiguration
    public let architecture: Architecture
    public let data: DataSplit
    public let rule: any LearningRule
    public let monitor: MotifMonitor
    public let reciprocalStage: ReciprocalStage
    public let descendingStage: DescendingStage
    public let batchesPerEpoch: Int
    /// Rates, decay and plastic kinds, resolved once (not rebuilt in every step).
    public let plasticity: PlasticitySettings

    public private(set) var circuit: Circuit
    /// Everything else that changes as the run goes (see ``SimulationCheckpoint``).
    public private(set) var checkpoint: SimulationCheckpoint
    private var epochOrder: [Int] = []
    /// Decides where learning diverges; not part of the checkpoint (see ``DivergenceCheck``).
    private var divergenceCheck: DivergenceCheck
    /// The test samples of the snapshots between epoch ends (see ``snapshotTestSamples``);
    /// nil when that is the whole test set.
    private let snapshotTestSubset: LabeledData?

    /// At most this many test samples measure `test_accuracy` at a snapshot that is not at an
    /// epoch's end or the run's end: samples 0, c/N, 2c/N, ... of a test set of c > N samples
    /// (rounded down; the same ones in every run on the same data). On MNIST's 10,000 test
    /// samples the whole set took a third of the time of the 100 steps between two snapshots;
    /// 1,000 give the accuracy to about +-0.5 points (one standard error at 0.97) for a tenth.
    public static let snapshotTestSamples = 1_000

    public var step: Int { checkpoint.step }
    public var detector: AssemblyDetector { checkpoint.detector }
    /// The step at which learning diverged (its update was not applied; see ``DivergenceCheck``).
    public var divergedAtStep: Int? { checkpoint.divergedAtStep }
    /// Why the run diverged, when it diverged in this process (not stored in the checkpoint).
    public private(set) var divergenceCause: DivergenceCause?
    /// The step, circuit and development generator from which a development step that blew up
    /// is replayed (``restoreBeforeDevelopmentStep()``); taken at the first development step of
    /// this process and at every snapshot step of development after it.
    private var developmentRestart: DevelopmentRestart?

    /// A point development can be replayed from.
    private struct DevelopmentRestart: Sendable {
        var step: Int
        var circuit: Circuit
        var rng: Xoshiro256StarStar
    }

    /// Steps of the reciprocal stage, the first of development.
    public var developmentSteps: Int { configuration.developmentSteps }
    /// The step at which development (both stages) ends and learning begins.
    public var developmentEnd: Int { configuration.developmentSteps + configuration.descendingSteps }
    public var totalSteps: Int { developmentEnd + configuration.epochs * batchesPerEpoch }
    /// The phase of the next update.
    public var phase: Phase { phase(ofUpdate: step) }

    /// The phase of the update that takes the circuit from step `update` to `update + 1`.
    public func phase(ofUpdate update: Int) -> Phase { configuration.phase(ofUpdate: update) }

    /// The phase a recorded step belongs to (see ``SimulationConfiguration/phase(ofRecordedStep:)``).
    public func phase(ofRecordedStep recorded: Int) -> Phase { configuration.phase(ofRecordedStep: recorded) }
    /// At the last step, or stopped by divergence.
    public var isFinished: Bool { step >= totalSteps || divergedAtStep != nil }

    public init(configuration: SimulationConfiguration, data: DataSplit) throws {
        let architecture = try configuration.validated()
        try data.check(against: architecture)
        guard data.train.count >= configuration.batch else {
            throw ConfigurationError("batch \(configuration.batch) is larger than the training set (\(data.train.count) samples): lower --batch")
        }
        self.configuration = configuration
        self.architecture = architecture
        self.data = data
        rule = configuration.rule.makeRule(dynamics: configuration.dynamics, topTeaching: configuration.topTeaching,
                                           targetPropagation: configuration.targetPropagation)
        var probeRng = Xoshiro256StarStar(seed: configuration.seed, stream: RandomStream.probeBatch.rawValue)
        let probe = data.train.subset(probeRng.permutation(data.train.count).prefix(configuration.probeSize))
        monitor = MotifMonitor(probeInput: probe.inputs, probeLabels: probe.labels, dynamics: configuration.dynamics,
                               topTeaching: configuration.topTeaching,
                               rule: configuration.rule == .circuit ? nil : rule)
        reciprocalStage = ReciprocalStage(rate: configuration.developmentRate, batch: configuration.batch,
                                          downstreamActivation: configuration.downstreamActivation)
        descendingStage = DescendingStage(rate: configuration.descendingRate, decay: configuration.descendingDecay,
                                          batch: configuration.batch, downstreamActivation: configuration.downstreamActivation)
        batchesPerEpoch = data.train.count / configuration.batch
        // totalSteps must be countable: epochs or development steps near Int.max would trap.
        let (learningSteps, tooManyEpochs) = configuration.epochs.multipliedReportingOverflow(by: batchesPerEpoch)
        let (development, tooManyDevelopmentSteps) = configuration.developmentSteps.addingReportingOverflow(configuration.descendingSteps)
        guard !tooManyEpochs, !tooManyDevelopmentSteps, !development.addingReportingOverflow(learningSteps).overflow else {
            throw ConfigurationError("\(configuration.developmentSteps) + \(configuration.descendingSteps) development steps and \(configuration.epochs) epochs of \(batchesPerEpoch) steps are more steps than can be counted: give fewer")
        }
        plasticity = configuration.plasticitySettings
        circuit = Circuit(randomFor: architecture, seed: configuration.seed)
        circuit.feedback = rule.initialFeedback(for: circuit, seed: configuration.seed)
        checkpoint = SimulationCheckpoint(configuration: configuration, levels: architecture.levels)
        checkpoint.dataFingerprint = data.fingerprint
        divergenceCheck = DivergenceCheck(levels: architecture.levels, loss: configuration.loss, classes: configuration.sizes.last ?? 2)
        let n = Self.snapshotTestSamples, count = data.test.count
        snapshotTestSubset = count > n ? data.test.subset((0..<n).map { $0 * count / n }) : nil
    }

    /// Continues a run from a snapshot's circuit and the checkpoint taken with it. The result is
    /// bit-identical to the run that was never interrupted.
    public init(configuration: SimulationConfiguration, data: DataSplit, resumingFrom checkpoint: SimulationCheckpoint,
                circuit: Circuit) throws {
        try self.init(configuration: configuration, data: data)
        guard circuit.architecture == architecture else {
            throw ConfigurationError("the stored circuit does not have the configuration's architecture")
        }
        guard checkpoint.step >= 0 && checkpoint.step <= totalSteps else {
            throw ConfigurationError("the checkpoint is at step \(checkpoint.step), outside this run's 0...\(totalSteps)")
        }
        let ownFeedback = self.circuit.feedback
        self.circuit = circuit
        if circuit.feedback.isEmpty && !ownFeedback.isEmpty {
            // Feedback that is fixed or follows W is rebuilt from the seed (files written before
            // the feedback was stored); learned feedback must come from the stored circuit.
            guard !configuration.rule.learnsFeedback else {
                throw ConfigurationError("the stored circuit has no feedback projections (\(FeedbackProjection.ordered(ownFeedback.keys).joined(separator: ", "))) that rule \(configuration.rule.rawValue) learns: the run cannot be continued")
            }
            self.circuit.feedback = ownFeedback
        } else {
            let stored = Set(circuit.feedback.keys), own = Set(ownFeedback.keys)
            let mismatched = FeedbackProjection.ordered(stored.symmetricDifference(own))
            let resized = FeedbackProjection.ordered(stored.intersection(own)).filter {
                circuit.feedback[$0]!.rows != ownFeedback[$0]!.rows || circuit.feedback[$0]!.cols != ownFeedback[$0]!.cols
            }
            guard mismatched.isEmpty && resized.isEmpty else {
                throw ConfigurationError("the stored feedback projections (\(FeedbackProjection.ordered(stored).joined(separator: ", "))) are not those rule \(configuration.rule.rawValue) owns (\(FeedbackProjection.ordered(own).joined(separator: ", "))) with their sizes: the run cannot be continued")
            }
        }
        // Same sizes are not the same data: a data file edited since the run started would
        // continue the run on other samples without a word. (Checkpoints written before the
        // fingerprint existed carry none and are not checked.)
        if let stored = checkpoint.dataFingerprint, let current = self.checkpoint.dataFingerprint, stored != current {
            throw ConfigurationError("the data have changed since the run was started (the same \(data.train.count) + \(data.test.count) samples of \(data.train.features) features, but other values or labels: fingerprint then \(stored), now \(current)): a continued run must see the same data; give the data it was started with")
        }
        self.checkpoint = checkpoint
        let learningStep = checkpoint.step - developmentEnd
        if learningStep > 0 && learningStep % batchesPerEpoch != 0 {
            var rng = checkpoint.epochStartDataRng
            epochOrder = rng.permutation(data.train.count)
        }
    }

    /// Runs to the end, reporting every event. An error thrown by `onEvent` stops the run.
    @discardableResult
    public mutating func run(onEvent: (SimulationEvent) throws -> Void = { _ in }) throws -> SimulationSummary {
        try start(onEvent)
        while !isFinished {
            try advance(onEvent)
        }
        return summary
    }

    /// Records the snapshot of the random initial circuit, unless the run already has one
    /// (a continued run). Call once before the first ``advance(_:)``.
    public mutating func start(_ onEvent: (SimulationEvent) throws -> Void) throws {
        if checkpoint.lastRecordedStep == nil { try record(onEvent) }
    }

    /// Takes one step (development or learning) and reports what it produced.
    public mutating func advance(_ onEvent: (SimulationEvent) throws -> Void) throws {
        precondition(!isFinished, "the run is finished")
        let stage = phase
        var cause: DivergenceCause?
        switch stage {
        case .reciprocalStage, .descendingStage:
            if developmentRestart == nil || (step % configuration.snapshotEvery == 0 && developmentRestart?.step != step) {
                developmentRestart = DevelopmentRestart(step: step, circuit: circuit, rng: checkpoint.developmentRng)
            }
            developmentStep(stage)
            divergenceCheck.forget()
            cause = DivergenceCheck.developmentRefusal(of: circuit, stage: stage)
            if cause != nil { restoreBeforeDevelopmentStep() }
        case .learning:
            developmentRestart = nil
            cause = try learningStep(onEvent)
        }
        if let cause {
            // A diverging circuit is an outcome (a circuit without development typically does
            // this), not a failure: stop with the last finite state and record it.
            divergenceCause = cause
            checkpoint.divergedAtStep = step
            if checkpoint.lastRecordedStep != step { try record(onEvent, wholeTestSet: true) }
            try onEvent(.diverged(step: step, cause: cause))
            return
        }
        checkpoint.step += 1
        if isSnapshotStep { try record(onEvent) }
        try onEvent(.progress(progress))
    }

    /// One step of a development stage (in place).
    private mutating func developmentStep(_ stage: Phase) {
        if stage == .reciprocalStage {
            reciprocalStage.step(&circuit, plastic: plasticity.plastic, using: &checkpoint.developmentRng)
        } else {
            descendingStage.step(&circuit, plastic: plasticity.plastic, using: &checkpoint.developmentRng)
        }
    }

    /// After a development step that blew up: the circuit as it was before that step, rebuilt
    /// by replaying the steps since ``developmentRestart`` (bit-identical: the same circuit,
    /// generator and products). Copying the circuit before every step to restore it would
    /// cost about a tenth of a development step on wide levels; the restart point, taken once
    /// per snapshot interval, costs one copy of the changed matrices per interval.
    private mutating func restoreBeforeDevelopmentStep() {
        guard let restart = developmentRestart else { return }
        circuit = restart.circuit
        checkpoint.developmentRng = restart.rng
        for update in restart.step..<step { developmentStep(phase(ofUpdate: update)) }
    }

    /// One minibatch of the learning phase; the cause when it diverges (not applied; see ``DivergenceCheck``).
    private mutating func learningStep(_ onEvent: (SimulationEvent) throws -> Void) throws -> DivergenceCause? {
        let learningStep = step - developmentEnd
        let position = learningStep % batchesPerEpoch
        if position == 0 {
            checkpoint.epochStartDataRng = checkpoint.dataRng
            epochOrder = checkpoint.dataRng.permutation(data.train.count)
            checkpoint.epochLoss = 0
            checkpoint.epochCorrect = 0
            checkpoint.epochSamples = 0
        }
        let indices = epochOrder[(position * configuration.batch)..<((position + 1) * configuration.batch)]
        let batch = data.train.subset(indices)
        let context = FeedbackContext(seed: configuration.seed, step: step, input: batch.inputs, labels: batch.labels,
                                      settings: plasticity)
        rule.refreshFeedback(&circuit, context: context)
        let update = rule.plasticity(of: circuit, input: batch.inputs, labels: batch.labels)
        if let cause = divergenceCheck.refusal(of: update, to: circuit, settings: plasticity) {
            return developmentCause(of: cause) ?? cause
        }
        // A rule that learns its feedback may overflow it (e.g. a learned inverse at a large
        // --inverse-noise): that step is refused whole, so the circuit before it is kept.
        let before = configuration.rule.learnsFeedback ? circuit : nil
        circuit.apply(update, settings: plasticity)
        rule.learnFeedback(&circuit, update: update, context: context)
        if let before, let projection = DivergenceCheck.unboundedFeedback(of: circuit) {
            circuit = before
            divergenceCheck.forget()
            return .feedbackLearning(projection: projection)
        }
        checkpoint.epochLoss += update.loss * Double(update.samples)
        checkpoint.epochCorrect += update.correct
        checkpoint.epochSamples += update.samples
        if position == batchesPerEpoch - 1 {
            let accuracy = testAccuracy()
            checkpoint.testAccuracyByEpoch.append(accuracy)
            checkpoint.latestTestAccuracy = accuracy
            try onEvent(.epochEnded(epoch: checkpoint.testAccuracyByEpoch.count, trainLoss: trainLoss,
                                    trainAccuracy: trainAccuracy, testAccuracy: accuracy))
        }
        return nil
    }

    /// A divergence at the first learning step whose activities are not finite, after a
    /// descending stage that ran: the weights learning starts from are those development left
    /// (no learning update has touched them yet), so the stage's rate is the cause, not eta_W.
    private func developmentCause(of cause: DivergenceCause) -> DivergenceCause? {
        guard cause == .notFinite, step == developmentEnd, configuration.descendingSteps > 0,
              plasticity.plastic.contains(.W) else { return nil }
        let largest = (1...circuit.levels).map { circuit[$0].W.largestMagnitude }.max() ?? 0
        return .development(stage: .descendingStage, largestWeight: largest)
    }

    /// Snapshots at the first step, every `snapshotEvery` steps, at the end of each development
    /// stage and at the last step.
    private var isSnapshotStep: Bool {
        step % configuration.snapshotEvery == 0 || step == developmentSteps || step == developmentEnd || step == totalSteps
    }

    /// Measures and reports a snapshot. The weights are checked here once more: no step that
    /// could make them non-finite is applied (learning, a rule's learned feedback and
    /// development all diverge instead; ``DivergenceCheck``), so this is a last guard, and no
    /// non-finite snapshot reaches the listeners.
    ///
    /// The test accuracy is the whole test set's at an epoch's end (measured there already), at
    /// the run's last step and where it diverged; elsewhere that of ``snapshotTestSamples``.
    private mutating func record(_ onEvent: (SimulationEvent) throws -> Void, wholeTestSet: Bool = false) throws {
        if !circuit.isFinite { throw SimulationError.overflow(step: step) }
        let motif = monitor.measure(circuit)
        checkpoint.latestMotif = motif
        checkpoint.lastRecordedStep = step
        let test = snapshotTestAccuracy(wholeTestSet: wholeTestSet)
        checkpoint.latestTestAccuracy = test.accuracy
        for level in checkpoint.detector.observe(step: step, metrics: motif) {
            try onEvent(.assembled(level: level, onsetStep: detector.onsets[level - 1]!))
        }
        try onEvent(.snapshot(Snapshot(
            step: step, phase: phase(ofRecordedStep: step),
            epoch: completedEpochs, circuit: circuit, motif: motif,
            trainLoss: trainLoss, trainAccuracy: trainAccuracy, testAccuracy: checkpoint.latestTestAccuracy,
            checkpoint: checkpoint, testSamples: test.samples)))
    }

    /// The test accuracy of the circuit now and the number of test samples it was measured on.
    private func snapshotTestAccuracy(wholeTestSet: Bool) -> (accuracy: Double, samples: Int) {
        if isEpochEnd {
            return (checkpoint.latestTestAccuracy, data.test.count)  // measured at the epoch's end
        }
        if let subset = snapshotTestSubset, !wholeTestSet && step != totalSteps {
            return (accuracy(of: circuit, on: subset, activation: configuration.upstreamActivation), subset.count)
        }
        return (testAccuracy(), data.test.count)
    }

    /// The last update completed a learning epoch (whose end measured the whole test set).
    private var isEpochEnd: Bool {
        step > developmentEnd && (step - developmentEnd) % batchesPerEpoch == 0 && divergedAtStep == nil
    }

    public var completedEpochs: Int { max(0, step - developmentEnd) / max(batchesPerEpoch, 1) }
    private var trainLoss: Double {
        checkpoint.epochSamples > 0 ? checkpoint.epochLoss / Double(checkpoint.epochSamples) : .nan
    }
    private var trainAccuracy: Double {
        checkpoint.epochSamples > 0 ? Double(checkpoint.epochCorrect) / Double(checkpoint.epochSamples) : .nan
    }

    /// Accuracy of the current circuit on the test set.
    public func testAccuracy() -> Double {
        accuracy(of: circuit, on: data.test, activation: configuration.upstreamActivation)
    }

    public var progress: SimulationProgress {
        SimulationProgress(step: step, totalSteps: totalSteps, phase: isFinished ? .learning : phase,
                 epoch: completedEpochs, epochs: configuration.epochs, trainLoss: trainLoss,
                 trainAccuracy: trainAccuracy, latestTestAccuracy: checkpoint.latestTestAccuracy,
                 latestMotif: checkpoint.latestMotif)
    }

    public var summary: SimulationSummary {
        SimulationSummary(
            // A finished run's last snapshot measured the whole test set; a run summarised
            // before its end may have last measured the snapshot subset.
            rule: configuration.rule, steps: step,
            finalTestAccuracy: isFinished ? checkpoint.latestTestAccuracy : testAccuracy(),
            finalTrainAccuracy: trainAccuracy, testAccuracyByEpoch: checkpoint.testAccuracyByEpoch,
            onsets: detector.onsets,
            shortfalls: (1...architecture.levels).map { detector.shortfall(level: $0) },
            finalMotif: checkpoint.latestMotif, finalCircuit: circuit, divergedAtStep: divergedAtStep,
            divergenceCause: divergenceCause)
    }
}

/// Fraction of samples whose largest logit is the label.
public func accuracy(of circuit: Circuit, on data: LabeledData, activation: Activation = .relu) -> Double {
    guard data.count > 0 else { return .nan }
    let choices = AscendingActivity(circuit: circuit, input: data.inputs, activation: activation).logits.argmaxOfRows()
    let correct = zip(choices, data.labels).filter { $0 == $1 }.count
    return Double(correct) / Double(data.count)
}
