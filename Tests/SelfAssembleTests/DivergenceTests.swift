@testable import SelfAssemble
import XCTest

/// A diverging circuit is an outcome the run records, not a crash: the non-finite update is
/// not applied, the run stops with the last finite circuit, and the summary says where.
final class DivergenceTests: XCTestCase {
    /// A circuit without development at eta_W = 1e4 (or `rule` at `etaW`): it diverges within a few steps.
    private func divergingRun(rule: RuleKind = .circuit, etaW: Float = 1e4, etaV: Float = 0,
                              plastic: [ProjectionKind] = ProjectionKind.allCases) throws -> Simulation {
        var c = SimulationConfiguration()
        c.rule = rule
        c.sizes = [16, 20, 8]
        c.developmentSteps = 0
        c.descendingSteps = 0
        c.etaW = etaW
        c.etaV = etaV
        c.plastic = plastic
        c.weightDecay = 0
        c.epochs = 20
        c.batch = 16
        var task = GaussianClusters(features: 16, classes: 8)
        task.trainSamples = 160
        task.testSamples = 40
        return try Simulation(configuration: c, data: task.generate(seed: 1))
    }

    /// A small run of `c`: 16 features, 8 classes, 64 training and 16 test samples.
    private func smallRun(_ c: SimulationConfiguration) throws -> Simulation {
        var task = GaussianClusters(features: 16, classes: 8)
        task.trainSamples = 64
        task.testSamples = 16
        return try Simulation(configuration: c, data: task.generate(seed: 1))
    }

    func testDivergenceStopsTheRunWithAFiniteCircuit() throws {
        var simulation = try divergingRun()
        var divergedEvents = [Int]()
        var snapshotSteps = [Int]()
        let summary = try simulation.run { event in
            if case .diverged(let step, _) = event { divergedEvents.append(step) }
            if case .snapshot(let s) = event { snapshotSteps.append(s.step) }
        }
        let step = try XCTUnwrap(summary.divergedAtStep)
        XCTAssertEqual(divergedEvents, [step])
        XCTAssertLessThan(step, simulation.totalSteps)
        XCTAssertEqual(summary.steps, step)
        XCTAssertEqual(snapshotSteps.last, step, "the last finite state is recorded")
        XCTAssertEqual(Set(snapshotSteps).count, snapshotSteps.count, "no step recorded twice")
        XCTAssertTrue(summary.finalCircuit.isFinite)
    }

    /// A finite update that would overflow the weights is caught before it is applied (its bound
    /// from the activities exceeds Float's range): the run reports a divergence at that step and
    /// keeps the finite circuit. (Before the bound, such a step was applied and the overflow
    /// surfaced as an error at the next snapshot.)
    func testAnUpdateThatWouldOverflowTheWeightsIsADivergence() throws {
        var c = SimulationConfiguration()
        c.sizes = [16, 20, 8]
        c.developmentSteps = 0
        c.descendingSteps = 0
        c.etaW = 3e38  // finite updates of order 100 times this rate overflow Float
        c.weightDecay = 0
        c.batch = 4
        c.epochs = 1
        c.snapshotEvery = 5
        var task = GaussianClusters(features: 16, classes: 8)
        task.noise = 1e3
        task.trainSamples = 64
        task.testSamples = 16
        var simulation = try Simulation(configuration: c, data: task.generate(seed: 1))
        let initial = simulation.circuit
        var reported = [Int]()
        let summary = try simulation.run { event in
            if case .snapshot(let s) = event {
                XCTAssertTrue(s.circuit.isFinite, "snapshot \(s.step) is finite")
                reported.append(s.step)
            }
        }
        XCTAssertEqual(summary.divergedAtStep, 0, "the first learning step would overflow W")
        XCTAssertEqual(reported, [0], "only the initial circuit was reported")
        XCTAssertEqual(summary.finalCircuit, initial, "the update was not applied")
    }

    /// A development step that would overflow the weights it changes is a divergence of
    /// development (the step is not applied, the run stops with the finite circuit before it,
    /// the cause names the stage), not an error at the next snapshot.
    func testADevelopmentStepThatOverflowsIsADevelopmentDivergence() throws {
        var c = SimulationConfiguration()
        c.sizes = [16, 20, 8]
        c.developmentSteps = 0
        c.descendingSteps = 10
        c.descendingRate = 3e38  // the descending stage's finite updates overflow W
        c.batch = 4
        c.epochs = 1
        c.snapshotEvery = 5
        var simulation = try smallRun(c)
        var reported = [Int]()
        var causes = [DivergenceCause]()
        let summary = try simulation.run { event in
            if case .snapshot(let s) = event {
                XCTAssertTrue(s.circuit.isFinite, "snapshot \(s.step) is finite")
                reported.append(s.step)
            }
            if case .diverged(_, let cause) = event { causes.append(cause) }
        }
        let step = try XCTUnwrap(summary.divergedAtStep)
        XCTAssertLessThan(step, 10, "a step of the descending stage overflowed")
        guard causes.count == 1, case .development(let stage, let largest) = causes[0] else { return XCTFail("one development divergence: \(causes)") }
        XCTAssertEqual(stage, .descendingStage)
        XCTAssertFalse(largest <= Float.greatestFiniteMagnitude / 2, "the refused step passed the bound")
        XCTAssertEqual(summary.divergenceCause, causes[0])
        XCTAssertEqual(reported.last, step, "the last finite circuit is recorded")
        XCTAssertTrue(summary.finalCircuit.isFinite)
        // The circuit kept is the one before the refused step, bit for bit (it is rebuilt by
        // replaying the steps since the last development snapshot).
        var reference = try smallRun(c)
        try reference.start { _ in }
        while reference.step < step { try reference.advance { _ in } }
        XCTAssertTrue(reference.circuit == summary.finalCircuit, "the circuit of step \(step)")
        XCTAssertNotEqual(step % c.snapshotEvery, 0, "the divergence is between snapshots, so the replay is exercised")
    }

    /// A descending stage that leaves finite weights too large to compute with (1e29) is named
    /// as the cause when the first learning step's activities overflow, not eta_W.
    func testWeightsDevelopmentLeftTooLargeAreADevelopmentDivergence() throws {
        var c = SimulationConfiguration()
        c.sizes = [16, 20, 8]
        c.developmentSteps = 5
        c.descendingSteps = 5
        c.descendingRate = 1e30
        c.batch = 4
        c.epochs = 1
        var simulation = try smallRun(c)
        let summary = try simulation.run()
        XCTAssertEqual(summary.divergedAtStep, 10, "at the first learning step")
        guard case .development(let stage, let largest) = summary.divergenceCause else { return XCTFail("\(String(describing: summary.divergenceCause))") }
        XCTAssertEqual(stage, .descendingStage)
        XCTAssertGreaterThan(largest, 1e20)
        XCTAssertTrue(largest.isFinite)
    }

    /// A rule's learned feedback that would overflow (the learned inverses of dtp, dtp-skip and
    /// gait-prop at a huge --inverse-noise) refuses the whole step: the run diverges there with
    /// the circuit before the step (forward weights and feedback), and the cause names the projection.
    func testLearnedFeedbackThatOverflowsIsADivergence() throws {
        for rule in [RuleKind.dtp, .dtpSkip, .gaitProp] {
            var c = SimulationConfiguration()
            c.rule = rule
            c.sizes = [16, 12, 10, 8]
            c.inverseNoise = 1e20
            c.developmentSteps = 0
            c.descendingSteps = 0
            c.batch = 8
            c.epochs = 1
            var simulation = try smallRun(c)
            let start = simulation.circuit
            let summary = try simulation.run()
            XCTAssertEqual(summary.divergedAtStep, 0, "\(rule)")
            guard case .feedbackLearning(let projection) = summary.divergenceCause else { return XCTFail("\(rule): \(String(describing: summary.divergenceCause))") }
            XCTAssertNotNil(start.feedback[projection], "\(rule): \(projection) is one of the rule's projections")
            XCTAssertTrue(summary.finalCircuit == start, "\(rule): the step was refused whole")
        }
    }

    /// Feedback that stays within the bound is not refused: the check finds the first
    /// projection past it, in ``FeedbackProjection/ordered(_:)`` order, and none in a finite circuit.
    func testUnboundedFeedbackNamesTheProjectionPastTheBound() throws {
        var circuit = Circuit(randomFor: try SimulationConfiguration().validated(), seed: 1)
        circuit.feedback = ["B_2": Matrix(rows: 2, cols: 2, values: [1, 1, 1, 1]), "B_3": Matrix(rows: 2, cols: 2, values: [1, 1, 1, 1])]
        XCTAssertNil(DivergenceCheck.unboundedFeedback(of: circuit))
        circuit.feedback["B_3"]![1, 1] = Float.greatestFiniteMagnitude
        XCTAssertEqual(DivergenceCheck.unboundedFeedback(of: circuit), "B_3")
        circuit.feedback["B_2"]![0, 1] = .nan
        XCTAssertEqual(DivergenceCheck.unboundedFeedback(of: circuit), "B_2")
    }

    /// The divergence step does not depend on which updates are applied or computed: eta_V = 0,
    /// V and Vbar frozen, and a small eta_V (whose V updates stay finite) diverge at one step.
    func testDivergenceDoesNotDependOnTheReciprocalUpdates() throws {
        func divergence(etaV: Float, plastic: [ProjectionKind]) throws -> Int? {
            var simulation = try divergingRun(etaV: etaV, plastic: plastic)
            return try simulation.run().divergedAtStep
        }
        let reference = try XCTUnwrap(divergence(etaV: 0, plastic: ProjectionKind.allCases))
        XCTAssertEqual(try divergence(etaV: 0, plastic: [.W, .Wbar]), reference)
        XCTAssertEqual(try divergence(etaV: 1e-30, plastic: ProjectionKind.allCases), reference)
    }

    /// The bound of max|W| carried from step to step only grows; when it alone would refuse a
    /// step, the weights are scanned and the exact value decides (so the decision is the same
    /// whatever was carried), and weights that would really overflow are refused.
    func testTheCarriedBoundIsRefreshedFromTheWeights() throws {
        var circuit = Circuit(randomFor: try Architecture(sizes: [2, 2], ratios: [1]), seed: 1)
        circuit[1].W = Matrix(rows: 2, cols: 2, values: [1, -1, 0.5, 0])
        let limit = Double(Float.greatestFiniteMagnitude) / 2
        // One sample: the update's bound is |post| |pre| = 0.3 limit at unit rate.
        let post = Matrix(rows: 1, cols: 2, values: [Float(0.3 * limit / 1e30), 0])
        let pre = Matrix(rows: 1, cols: 2, values: [1e30, 0])
        let step = Plasticity(levels: [LevelPlasticity(dW: .outerProduct(post: post, pre: pre, scale: -1))],
                              loss: 1, correct: 0, samples: 1)
        let settings = PlasticitySettings(etaW: 1, etaV: 0, weightDecay: 0)
        var check = DivergenceCheck(levels: 1, runawayLoss: .infinity)
        // Not applied: the weights stay small, the carried bound grows to 0.3, 0.6, 0.9 limit,
        // then 1.2 limit, where the scan finds max|W| = 1 and admits the step again.
        for attempt in 1...5 {
            XCTAssertTrue(check.admits(step, to: circuit, settings: settings), "attempt \(attempt)")
        }
        circuit[1].W.values[0] = Float(0.8 * limit)
        var fresh = DivergenceCheck(levels: 1, runawayLoss: .infinity)
        XCTAssertFalse(fresh.admits(step, to: circuit, settings: settings), "0.8 + 0.3 of the limit")
        circuit[1].W.values[0] = 1
        var nan = step
        nan.levels[0].setDirection(.W, .outerProduct(post: post, pre: Matrix(rows: 1, cols: 2, values: [.nan, 0]), scale: -1))
        fresh = DivergenceCheck(levels: 1, runawayLoss: .infinity)
        XCTAssertFalse(fresh.admits(nan, to: circuit, settings: settings), "an activity is NaN")
    }

    /// The loss of chance is that of predicting 1/K for every class: ln K for cross-entropy,
    /// (1 - 1/K)/2 for mse; the runaway bound is 10^4 times it.
    func testTheRunawayBoundIsAMultipleOfTheLossOfChance() throws {
        XCTAssertEqual(Loss.crossEntropy.chanceLoss(classes: 10), log(10), accuracy: 1e-12)
        XCTAssertEqual(Loss.meanSquaredError.chanceLoss(classes: 10), 0.45, accuracy: 1e-12)
        // The uniform prediction's loss, computed by the error module itself.
        let uniform = Matrix(rows: 1, cols: 10, values: Array(repeating: 0.1, count: 10))
        XCTAssertEqual(ErrorSignal(logits: uniform, labels: [3], loss: .meanSquaredError).loss, 0.45, accuracy: 1e-6)
        XCTAssertEqual(ErrorSignal(logits: uniform, labels: [3], loss: .crossEntropy).loss, log(10), accuracy: 1e-6)
        XCTAssertEqual(DivergenceCheck.runawayFactor, 1e4)

        let circuit = Circuit(randomFor: try Architecture(sizes: [2, 2], ratios: [1]), seed: 1)
        let settings = PlasticitySettings(etaW: 0.1, etaV: 0, weightDecay: 0)
        func step(loss: Double) -> Plasticity {
            Plasticity(levels: [LevelPlasticity(dW: .outerProduct(post: Matrix(rows: 1, cols: 2, values: [0.1, 0]),
                                                                 pre: Matrix(rows: 1, cols: 2, values: [1, 0]), scale: -1))],
                       loss: loss, correct: 0, samples: 1)
        }
        var check = DivergenceCheck(levels: 1, loss: .crossEntropy, classes: 2)
        let bound = 1e4 * log(2.0)
        XCTAssertEqual(check.runawayLoss, bound, accuracy: 1e-9)
        XCTAssertNil(check.refusal(of: step(loss: bound), to: circuit, settings: settings), "at the bound: applied")
        XCTAssertEqual(check.refusal(of: step(loss: bound * 1.001), to: circuit, settings: settings),
                       .runaway(loss: bound * 1.001, bound: bound))
        XCTAssertEqual(check.refusal(of: step(loss: .infinity), to: circuit, settings: settings), .notFinite)
    }

    /// Feedback alignment at eta_W = 1000 runs away: its loss climbed to 1e19 and beyond while
    /// staying finite, and the run used to end "not diverged" at chance. It now stops at the
    /// first step whose loss passes the bound, with that cause, and keeps the circuit before it.
    func testARunawayLossStopsTheRun() throws {
        var simulation = try divergingRun(rule: .fa, etaW: 1000)
        var causes = [DivergenceCause](), losses = [Double]()
        let summary = try simulation.run { event in
            if case .diverged(_, let cause) = event { causes.append(cause) }
            if case .epochEnded(_, let loss, _, _) = event { losses.append(loss) }
        }
        let step = try XCTUnwrap(summary.divergedAtStep, "the runaway run diverges")
        XCTAssertLessThan(step, simulation.totalSteps)
        guard causes.count == 1, case .runaway(let loss, let bound) = causes[0] else { return XCTFail("one runaway divergence: \(causes)") }
        XCTAssertTrue(loss.isFinite && loss > bound, "\(loss) past \(bound)")
        XCTAssertEqual(bound, 1e4 * log(8.0), accuracy: 1e-9)
        XCTAssertTrue(losses.allSatisfy { $0 <= bound }, "no epoch's mean loss passed the bound: \(losses)")
        XCTAssertTrue(summary.finalCircuit.isFinite)
    }
}
