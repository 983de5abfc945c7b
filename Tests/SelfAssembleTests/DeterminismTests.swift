import SelfAssemble
import XCTest

final class DeterminismTests: XCTestCase {
    private func run(seed: UInt64) throws -> (SimulationSummary, [Snapshot]) {
        var c = SimulationConfiguration()
        c.seed = seed
        c.sizes = [16, 20, 8]
        c.developmentSteps = 40
        c.descendingSteps = 20
        c.epochs = 2
        c.batch = 16
        c.snapshotEvery = 25
        var task = GaussianClusters(features: 16, classes: 8)
        task.trainSamples = 200
        task.testSamples = 50
        var snapshots = [Snapshot]()
        var simulation = try Simulation(configuration: c, data: task.generate(seed: seed))
        let summary = try simulation.run { if case .snapshot(let s) = $0 { snapshots.append(s) } }
        return (summary, snapshots)
    }

    func testSameSeedIsBitIdenticalAndOtherSeedDiffers() throws {
        let (a, snapsA) = try run(seed: 3)
        let (b, snapsB) = try run(seed: 3)
        let (c, _) = try run(seed: 4)
        XCTAssertEqual(a.finalCircuit, b.finalCircuit)
        XCTAssertEqual(snapsA.map(\.step), snapsB.map(\.step))
        XCTAssertEqual(snapsA.map(\.motif), snapsB.map(\.motif))
        XCTAssertNotEqual(a.finalCircuit, c.finalCircuit)
        XCTAssertEqual(snapsA.map(\.step), [0, 25, 40, 50, 60, 75, 84], "first, every 25, end of each development stage, last")
        XCTAssertEqual(snapsA.map(\.phase), [.reciprocalStage, .reciprocalStage, .reciprocalStage, .descendingStage,
                                             .descendingStage, .learning, .learning])
    }

    func testGeneratorIsReproducibleAndStreamsAreIndependent() {
        var a = Xoshiro256StarStar(seed: 42, stream: 1), b = Xoshiro256StarStar(seed: 42, stream: 1)
        var c = Xoshiro256StarStar(seed: 42, stream: 2)
        let xa = (0..<8).map { _ in a.next() }, xb = (0..<8).map { _ in b.next() }, xc = (0..<8).map { _ in c.next() }
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, xc)
        // The normal sampler has mean 0 and variance 1.
        var rng = Xoshiro256StarStar(seed: 1)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n { let z = rng.nextNormal(); sum += z; sumSq += z * z }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(sumSq / Double(n), 1, accuracy: 0.01)
        XCTAssertEqual(rng.permutation(10).sorted(), Array(0..<10))
    }
}
