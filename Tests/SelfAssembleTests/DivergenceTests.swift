import SelfAssemble
import XCTest

/// A diverging circuit is an outcome the run records, not a crash: the non-finite update is
/// not applied, the run stops with the last finite circuit, and the summary says where.
final class DivergenceTests: XCTestCase {
    func testDivergenceStopsTheRunWithAFiniteCircuit() throws {
        var c = SimulationConfiguration()
        c.sizes = [16, 20, 8]
        c.developmentSteps = 0
        c.descendingSteps = 0
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

    /// Weights that overflow although every update was finite stop the run with an error when
    /// the next snapshot is taken, before any listener sees non-finite weights.
    func testOverflowIsCaughtBeforeASnapshotIsReported() throws {
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
        var reported = [Int]()
        XCTAssertThrowsError(try simulation.run { event in
            if case .snapshot(let s) = event {
                XCTAssertTrue(s.circuit.isFinite, "snapshot \(s.step) is finite")
                reported.append(s.step)
            }
        }) { error in
            guard case SimulationError.overflow = error else { return XCTFail("expected an overflow, got \(error)") }
        }
        XCTAssertEqual(reported, [0], "only the initial circuit was reported")
    }
}
