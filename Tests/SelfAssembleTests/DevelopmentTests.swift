import SelfAssemble
import XCTest

/// The development phase builds reciprocity; without it (and with V, Vbar frozen) nothing
/// assembles, and the detector says so.
final class DevelopmentTests: XCTestCase {
    func testSpontaneousActivityMakesVbarTheTransposeOfV() {
        var circuit = TestSupport.circuit(sizes: [64, 128, 128, 10], seed: 7)
        var rng = Xoshiro256StarStar(seed: 7, stream: RandomStream.spontaneousActivity.rawValue)
        let development = SpontaneousActivity(rate: 0.05, batch: 32)
        let norms = (1...3).map { BLAS.frobeniusNorm(circuit[$0].Vbar) }
        func reciprocity(_ l: Int) -> Double { cosineSimilarity(circuit[l].V, circuit[l].Vbar.transposed) }
        for l in 1...3 { XCTAssertLessThan(abs(reciprocity(l)), 0.2, "level \(l) starts unaligned") }
        for _ in 0..<1_000 { development.step(&circuit, plastic: Set(ProjectionKind.allCases), using: &rng) }
        // model.md: 0.91-0.94 after 1,000 steps, 1.00 after 3,000.
        for l in 1...3 { XCTAssertGreaterThan(reciprocity(l), 0.85, "level \(l) after 1,000 steps") }
        for _ in 0..<2_000 { development.step(&circuit, plastic: Set(ProjectionKind.allCases), using: &rng) }
        for l in 1...3 {
            XCTAssertGreaterThan(reciprocity(l), 0.99, "level \(l) after 3,000 steps")
            // Synaptic scaling keeps the norm.
            XCTAssertEqual(BLAS.frobeniusNorm(circuit[l].Vbar), norms[l - 1], accuracy: 1e-3 * norms[l - 1])
        }
    }

    func testFrozenReciprocalPairDoesNotChangeDuringDevelopment() {
        var circuit = TestSupport.circuit(sizes: [8, 6, 4], seed: 2)
        let before = circuit
        var rng = Xoshiro256StarStar(seed: 2)
        let development = SpontaneousActivity(rate: 0.05, batch: 4)
        for _ in 0..<50 { development.step(&circuit, plastic: [.W, .Wbar], using: &rng) }
        XCTAssertEqual(circuit, before)
    }

    /// Acceptance 2 of the engine: development off, V and Vbar frozen.
    func testNegativeControlNeverAssembles() throws {
        var c = SimulationConfiguration()
        c.developmentSteps = 0
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
}
