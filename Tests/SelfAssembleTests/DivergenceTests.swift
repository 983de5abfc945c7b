import SelfAssemble
import XCTest

/// A diverging circuit is an outcome the run records, not a crash: the non-finite update is
/// not applied, the run stops with the last finite circuit, and the summary says where.
final class DivergenceTests: XCTestCase {
    func testDivergenceStopsTheRunWithAFiniteCircuit() throws {
        var c = SimulationConfiguration()
        c.sizes = [16, 20, 8]
        c.developmentSteps = 0
        c.etaW = 1e4
        c.weightDecay = 0
        c.epochs = 20
        c.batch = 16
        var task = GaussianClusters(features: 16, classes: 8)
        task.trainSamples = 160
        task.testSamples = 40
        var simulation = try Simulation(configuration: c, data: task.generate(seed: 1))
        var divergedEvents = [Int]()
        var snapshotSteps = [Int]()
        let summary = try simulation.run { event in
            if case .diverged(let step) = event { divergedEvents.append(step) }
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
}
