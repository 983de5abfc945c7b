import SelfAssemble
import XCTest

/// Development in two stages (model.md version 2): the reciprocal stage makes Vbar_l = V_l^T,
/// the descending stage makes Wbar_l V_l = W_l^T; without development (and with V, Vbar frozen)
/// nothing assembles, and the detector says so.
final class DevelopmentTests: XCTestCase {
    private let all = Set(ProjectionKind.allCases)

    func testReciprocalStageMakesVbarTheTransposeOfV() {
        var circuit = TestSupport.circuit(sizes: [64, 128, 128, 10], seed: 7)
        var rng = Xoshiro256StarStar(seed: 7, stream: RandomStream.spontaneousActivity.rawValue)
        let stage = ReciprocalStage(rate: 0.05, batch: 32)
        let norms = (1...3).map { BLAS.frobeniusNorm(circuit[$0].Vbar) }
        func reciprocity(_ l: Int) -> Double { cosineSimilarity(circuit[l].V, circuit[l].Vbar.transposed) }
        for l in 1...3 { XCTAssertLessThan(abs(reciprocity(l)), 0.2, "level \(l) starts unaligned") }
        for _ in 0..<1_000 { stage.step(&circuit, plastic: all, using: &rng) }
        // model.md: 0.91-0.94 after 1,000 steps, 1.00 after 3,000.
        for l in 1...3 { XCTAssertGreaterThan(reciprocity(l), 0.85, "level \(l) after 1,000 steps") }
        for _ in 0..<2_000 { stage.step(&circuit, plastic: all, using: &rng) }
        for l in 1...3 {
            XCTAssertGreaterThan(reciprocity(l), 0.99, "level \(l) after 3,000 steps")
            // Synaptic scaling keeps the norm.
            XCTAssertEqual(BLAS.frobeniusNorm(circuit[l].Vbar), norms[l - 1], accuracy: 1e-3 * norms[l - 1])
        }
    }

    func testFrozenReciprocalPairDoesNotChangeDuringTheReciprocalStage() {
        var circuit = TestSupport.circuit(sizes: [8, 6, 4], seed: 2)
        let before = circuit
        var rng = Xoshiro256StarStar(seed: 2)
        let stage = ReciprocalStage(rate: 0.05, batch: 4)
        for _ in 0..<50 { stage.step(&circuit, plastic: [.W, .Wbar], using: &rng) }
        XCTAssertEqual(circuit, before)
    }

    /// After a reciprocal stage, the descending stage makes Wbar_l V_l = W_l^T at every level
    /// (model.md: 1.00 at the end of development) and keeps |W_l| near its He norm (14.4 against
    /// 14.1 measured there), while V, Vbar and the biases do not change.
    func testDescendingStageMakesWbarVTheTransposeOfW() {
        var circuit = TestSupport.circuit(sizes: [32, 64, 64, 10], seed: 7)
        var rng = Xoshiro256StarStar(seed: 7, stream: RandomStream.spontaneousActivity.rawValue)
        let reciprocal = ReciprocalStage(rate: 0.05, batch: 32)
        for _ in 0..<3_000 { reciprocal.step(&circuit, plastic: all, using: &rng) }
        func descending(_ l: Int) -> Double {
            cosineSimilarity(BLAS.product(circuit[l].Wbar!, circuit[l].V), circuit[l].W.transposed)
        }
        for l in 2...3 { XCTAssertLessThan(abs(descending(l)), 0.15, "level \(l) is not consistent before the stage") }
        let heNorms = (1...3).map { BLAS.frobeniusNorm(circuit[$0].W) }
        let reciprocalPairs = (1...3).map { (circuit[$0].V, circuit[$0].Vbar, circuit[$0].b) }
        let stage = DescendingStage(rate: 1.3, decay: 2e-3, batch: 32)
        for _ in 0..<2_000 { stage.step(&circuit, plastic: all, using: &rng) }
        for l in 2...3 { XCTAssertGreaterThan(descending(l), 0.99, "level \(l) after 2,000 descending steps") }
        for l in 1...3 {
            XCTAssertEqual(circuit[l].V, reciprocalPairs[l - 1].0)
            XCTAssertEqual(circuit[l].Vbar, reciprocalPairs[l - 1].1)
            XCTAssertEqual(circuit[l].b, reciprocalPairs[l - 1].2)
            let ratio = BLAS.frobeniusNorm(circuit[l].W) / heNorms[l - 1]
            XCTAssertGreaterThan(ratio, 0.5, "level \(l): |W| stays near its initial norm")
            XCTAssertLessThan(ratio, 2, "level \(l): |W| stays near its initial norm")
        }
    }

    /// Without the reciprocal stage first, matching updates do not make Wbar V = W^T: the
    /// descending stage relies on Vbar_l = V_l^T.
    func testDescendingStageNeedsReciprocity() {
        var circuit = TestSupport.circuit(sizes: [32, 64, 64, 10], seed: 7)
        var rng = Xoshiro256StarStar(seed: 7, stream: RandomStream.spontaneousActivity.rawValue)
        let stage = DescendingStage(rate: 1.3, decay: 2e-3, batch: 32)
        for _ in 0..<2_000 { stage.step(&circuit, plastic: all, using: &rng) }
        for l in 2...3 {
            let d = cosineSimilarity(BLAS.product(circuit[l].Wbar!, circuit[l].V), circuit[l].W.transposed)
            XCTAssertLessThan(d, 0.5, "level \(l) without reciprocity")
        }
    }

    func testFrozenKindsDoNotChangeDuringTheDescendingStage() {
        var circuit = TestSupport.circuit(sizes: [8, 6, 4], seed: 2)
        let before = circuit
        var rng = Xoshiro256StarStar(seed: 2)
        let stage = DescendingStage(batch: 4)
        for _ in 0..<50 { stage.step(&circuit, plastic: [.V, .Vbar], using: &rng) }
        XCTAssertEqual(circuit, before)
        for _ in 0..<5 { stage.step(&circuit, plastic: [.Wbar], using: &rng) }
        XCTAssertEqual(circuit[1].W, before[1].W)
        XCTAssertNotEqual(circuit[2].Wbar, before[2].Wbar)
    }

    /// The negative control: no development of either stage, V and Vbar frozen.
    func testNegativeControlNeverAssembles() throws {
        var c = SimulationConfiguration()
        c.developmentSteps = 0
        c.descendingSteps = 0
        c.plastic = [.W, .Wbar]
        c.epochs = 6
        c.snapshotEvery = 20
        c.seed = 11
        var task = GaussianClusters(features: 64, classes: 10)
        task.trainSamples = 640
        task.testSamples = 200
        var simulation = try Simulation(configuration: c, data: task.generate(seed: 11))
        var reciprocities = [Double]()
        var assembled = [Int]()
        let summary = try simulation.run { event in
            switch event {
            case .snapshot(let s): reciprocities += s.motif.map(\.reciprocity)
            case .assembled(let level, _): assembled.append(level)
            default: break
            }
        }
        XCTAssertFalse(reciprocities.isEmpty)
        XCTAssertLessThan(reciprocities.map(abs).max()!, 0.2, "reciprocity stays near its initial value")
        // Frozen V and Vbar: reciprocity is exactly its initial value at every snapshot.
        XCTAssertEqual(Array(reciprocities.suffix(3)), Array(reciprocities.prefix(3)))
        XCTAssertEqual(assembled, [])
        XCTAssertEqual(summary.onsets, [nil, nil, nil])
        XCTAssertEqual(summary.shortfalls, Array(repeating: "reciprocity stayed short", count: 3))
    }

    /// Both stages in a run: every level assembles during development, and the detector's
    /// onsets are development steps.
    func testMotifAssemblesDuringDevelopment() throws {
        var c = SimulationConfiguration()
        c.sizes = [16, 32, 32, 4]
        c.developmentSteps = 3_000
        c.descendingSteps = 2_000
        c.epochs = 1
        c.snapshotEvery = 100
        c.seed = 3
        var task = GaussianClusters(features: 16, classes: 4)
        task.trainSamples = 256
        task.testSamples = 64
        var simulation = try Simulation(configuration: c, data: task.generate(seed: 3))
        var atEndOfDevelopment = [LevelMotifMetrics]()
        let summary = try simulation.run { event in
            if case .snapshot(let s) = event, s.step == 5_000 { atEndOfDevelopment = s.motif }
        }
        for m in atEndOfDevelopment {
            XCTAssertGreaterThan(m.reciprocity, 0.99, "level \(m.level)")
            if let d = m.descending { XCTAssertGreaterThan(d, 0.99, "level \(m.level)") }
            XCTAssertGreaterThan(m.alignmentH, 0.98, "level \(m.level)")
        }
        for (i, onset) in summary.onsets.enumerated() {
            let step = try XCTUnwrap(onset, "level \(i + 1) assembled")
            XCTAssertLessThan(step, 5_000, "level \(i + 1): onset during development")
            XCTAssertTrue(simulation.phase(ofRecordedStep: step).isDevelopment)
        }
    }
}
