/// A run of the circuit: the development phase, then the learning phase, with snapshots and
/// the assembly detector. Pure computation: what happens is reported through events, and
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
    public let development: SpontaneousActivity
    public let batchesPerEpoch: Int

    public private(set) var circuit: Circuit
    public private(set) var step = 0
    public private(set) var detector: AssemblyDetector
    /// The step at which learning diverged (its update was not finite and was not applied).
    public private(set) var divergedAtStep: Int?
    private var developmentRng: Xoshiro256StarStar
    private var dataRng: Xoshiro256StarStar
    private var epochOrder: [Int] = []
    private var epochLoss = 0.0
    private var epochCorrect = 0
    private var epochSamples = 0
    private var testAccuracyByEpoch: [Double] = []
    private var latestTestAccuracy = Double.nan
    private var latestMotif: [LevelMotifMetrics] = []
    private var lastRecordedStep: Int?

    public var developmentSteps: Int { configuration.developmentSteps }
    public var totalSteps: Int { developmentSteps + configuration.epochs * batchesPerEpoch }
    public var phase: Phase { step < developmentSteps ? .development : .learning }
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
        rule = configuration.rule.makeRule(dynamics: configuration.dynamics)
        var probeRng = Xoshiro256StarStar(seed: configuration.seed, stream: RandomStream.probeBatch.rawValue)
        let probe = data.train.subset(probeRng.permutation(data.train.count).prefix(configuration.probeSize))
        monitor = MotifMonitor(probeInput: probe.inputs, probeLabels: probe.labels, dynamics: configuration.dynamics)
        development = SpontaneousActivity(rate: configuration.developmentRate, batch: configuration.batch,
                                          downstreamActivation: configuration.downstreamActivation)
        batchesPerEpoch = data.train.count / configuration.batch
        circuit = Circuit(randomFor: architecture, seed: configuration.seed)
        detector = AssemblyDetector(levels: architecture.levels, thresholds: configuration.thresholds)
        developmentRng = Xoshiro256StarStar(seed: configuration.seed, stream: RandomStream.spontaneousActivity.rawValue)
        dataRng = Xoshiro256StarStar(seed: configuration.seed, stream: RandomStream.dataOrder.rawValue)
    }

    /// Runs to the end, reporting every event. An error thrown by `onEvent` stops the run.
    @discardableResult
    public mutating func run(onEvent: (SimulationEvent) throws -> Void = { _ in }) throws -> SimulationSummary {
        if step == 0 { try record(onEvent) }
        while !isFinished {
            try advance(onEvent)
        }
        return summary
    }

    /// Takes one step (development or learning) and reports what it produced.
    public mutating func advance(_ onEvent: (SimulationEvent) throws -> Void) throws {
        precondition(!isFinished, "the run is finished")
        if phase == .development {
            development.step(&circuit, plastic: Set(configuration.plastic), using: &developmentRng)
        } else if try !learningStep(onEvent) {
            // A diverging circuit is an outcome (a circuit without development typically does
            // this), not a failure: stop with the last finite state and record it.
            divergedAtStep = step
            if lastRecordedStep != step { try record(onEvent) }
            try onEvent(.diverged(step: step))
            return
        }
        step += 1
        if !circuit.isFinite { throw SimulationError.overflow(step: step) }
        if isSnapshotStep { try record(onEvent) }
        try onEvent(.progress(progress))
    }

    /// One minibatch of the learning phase; false when its plasticity is not finite (not applied).
    private mutating func learningStep(_ onEvent: (SimulationEvent) throws -> Void) throws -> Bool {
        let learningStep = step - developmentSteps
        let position = learningStep % batchesPerEpoch
        if position == 0 {
            epochOrder = dataRng.permutation(data.train.count)
            epochLoss = 0
            epochCorrect = 0
            epochSamples = 0
        }
        let indices = epochOrder[(position * configuration.batch)..<((position + 1) * configuration.batch)]
        let batch = data.train.subset(indices)
        let plasticity = rule.plasticity(of: circuit, input: batch.inputs, labels: batch.labels)
        guard plasticity.isFinite else { return false }
        epochLoss += plasticity.loss * Double(plasticity.samples)
        epochCorrect += plasticity.correct
        epochSamples += plasticity.samples
        circuit.apply(plasticity, settings: configuration.plasticitySettings)
        if position == batchesPerEpoch - 1 {
            let accuracy = testAccuracy()
            testAccuracyByEpoch.append(accuracy)
            latestTestAccuracy = accuracy
            try onEvent(.epochEnded(epoch: testAccuracyByEpoch.count, trainLoss: trainLoss,
                                    trainAccuracy: trainAccuracy, testAccuracy: accuracy))
        }
        return true
    }

    /// Snapshots at the first step, every `snapshotEvery` steps, at the end of development and at the last step.
    private var isSnapshotStep: Bool {
        step % configuration.snapshotEvery == 0 || step == developmentSteps || step == totalSteps
    }

    private mutating func record(_ onEvent: (SimulationEvent) throws -> Void) throws {
        let motif = monitor.measure(circuit)
        latestMotif = motif
        lastRecordedStep = step
        latestTestAccuracy = testAccuracy()
        for level in detector.observe(step: step, metrics: motif) {
            try onEvent(.assembled(level: level, onsetStep: detector.onsets[level - 1]!))
        }
        try onEvent(.snapshot(Snapshot(
            step: step, phase: step <= developmentSteps && developmentSteps > 0 ? .development : .learning,
            epoch: completedEpochs, circuit: circuit, motif: motif,
            trainLoss: trainLoss, trainAccuracy: trainAccuracy, testAccuracy: latestTestAccuracy)))
    }

    public var completedEpochs: Int { max(0, step - developmentSteps) / max(batchesPerEpoch, 1) }
    private var trainLoss: Double { epochSamples > 0 ? epochLoss / Double(epochSamples) : .nan }
    private var trainAccuracy: Double { epochSamples > 0 ? Double(epochCorrect) / Double(epochSamples) : .nan }

    /// Accuracy of the current circuit on the test set.
    public func testAccuracy() -> Double {
        accuracy(of: circuit, on: data.test, activation: configuration.upstreamActivation)
    }

    public var progress: SimulationProgress {
        SimulationProgress(step: step, totalSteps: totalSteps, phase: isFinished ? .learning : phase,
                 epoch: completedEpochs, epochs: configuration.epochs, trainLoss: trainLoss,
                 trainAccuracy: trainAccuracy, latestTestAccuracy: latestTestAccuracy, latestMotif: latestMotif)
    }

    public var summary: SimulationSummary {
        SimulationSummary(
            rule: configuration.rule, steps: step, finalTestAccuracy: latestTestAccuracy,
            finalTrainAccuracy: trainAccuracy, testAccuracyByEpoch: testAccuracyByEpoch,
            onsets: detector.onsets,
            shortfalls: (1...architecture.levels).map { detector.shortfall(level: $0) },
            finalMotif: latestMotif, finalCircuit: circuit, divergedAtStep: divergedAtStep)
    }
}

/// Fraction of samples whose largest logit is the label.
public func accuracy(of circuit: Circuit, on data: LabeledData, activation: Activation = .relu) -> Double {
    guard data.count > 0 else { return .nan }
    let logits = AscendingActivity(circuit: circuit, input: data.inputs, activation: activation).logits
    var correct = 0
    for r in 0..<logits.rows {
        var best = 0
        for c in 1..<logits.cols where logits[r, c] > logits[r, best] { best = c }
        if best == data.labels[r] { correct += 1 }
    }
    return Double(correct) / Double(data.count)
}
