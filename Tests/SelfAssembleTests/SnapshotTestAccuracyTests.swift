import SelfAssemble
import XCTest

/// A snapshot's test accuracy: the whole test set at epoch ends and at the run's end, the fixed
/// evenly spaced subset of Simulation.snapshotTestSamples samples elsewhere, and each snapshot
/// says which.
final class SnapshotTestAccuracyTests: XCTestCase {
    func testSnapshotsBetweenEpochEndsMeasureTheFixedSubset() throws {
        var c = SimulationConfiguration()
        c.sizes = [8, 12, 4]
        c.developmentSteps = 5
        c.descendingSteps = 5
        c.batch = 8
        c.epochs = 2
        c.snapshotEvery = 5
        var task = GaussianClusters(features: 8, classes: 4)
        task.trainSamples = 80  // 10 steps per epoch: epoch ends at steps 20 and 30
        task.testSamples = 1_503
        let data = task.generate(seed: 3)
        let n = Simulation.snapshotTestSamples
        let subset = data.test.subset((0..<n).map { $0 * data.test.count / n })
        var simulation = try Simulation(configuration: c, data: data)
        var seen = [Int: (samples: Int, accuracy: Double, expectedWhole: Double, expectedSubset: Double)]()
        let summary = try simulation.run { event in
            guard case .snapshot(let s) = event else { return }
            seen[s.step] = (s.testSamples, s.testAccuracy, accuracy(of: s.circuit, on: data.test),
                            accuracy(of: s.circuit, on: subset))
        }
        XCTAssertEqual(Set(seen.keys), [0, 5, 10, 15, 20, 25, 30])
        for (step, s) in seen {
            if step == 20 || step == 30 {
                XCTAssertEqual(s.samples, 1_503, "step \(step): an epoch's end measures the whole test set")
                XCTAssertEqual(s.accuracy, s.expectedWhole, "step \(step)")
            } else {
                XCTAssertEqual(s.samples, n, "step \(step)")
                XCTAssertEqual(s.accuracy, s.expectedSubset, "step \(step)")
            }
        }
        XCTAssertEqual(summary.finalTestAccuracy, seen[30]!.expectedWhole)
        XCTAssertEqual(summary.testAccuracyByEpoch, [seen[20]!.expectedWhole, seen[30]!.expectedWhole])
    }

    /// A test set no larger than the subset is measured whole at every snapshot.
    func testASmallTestSetIsMeasuredWholeEverywhere() throws {
        var c = SimulationConfiguration()
        c.sizes = [8, 12, 4]
        c.developmentSteps = 4
        c.descendingSteps = 0
        c.batch = 8
        c.epochs = 1
        c.snapshotEvery = 3
        var task = GaussianClusters(features: 8, classes: 4)
        task.trainSamples = 40
        task.testSamples = Simulation.snapshotTestSamples
        let data = task.generate(seed: 3)
        var simulation = try Simulation(configuration: c, data: data)
        var checked = 0
        try simulation.run { event in
            guard case .snapshot(let s) = event else { return }
            XCTAssertEqual(s.testSamples, data.test.count)
            XCTAssertEqual(s.testAccuracy, accuracy(of: s.circuit, on: data.test))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 3)
    }
}
