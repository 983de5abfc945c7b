import SelfAssemble
import XCTest

/// A snapshot's test accuracy: the whole test set at epoch ends and at the run's end, the fixed
/// evenly spaced subset of Simulation.snapshotTestSamples samples elsewhere, and each snapshot
/// says which.
final class SnapshotTestAccuracyTests: XCTestCase {
    /// A small circuit with batch 8 and 4 classes.
    private func smallRun(development: Int, descending: Int, epochs: Int, snapshotEvery: Int, train: Int, test: Int)
        -> (SimulationConfiguration, DataSplit) {
        var c = SimulationConfiguration()
        c.sizes = [8, 12, 4]
        c.developmentSteps = development
        c.descendingSteps = descending
        c.batch = 8
        c.epochs = epochs
        c.snapshotEvery = snapshotEvery
        var task = GaussianClusters(features: 8, classes: 4)
        task.trainSamples = train
        task.testSamples = test
        return (c, task.generate(seed: 3))
    }

    func testSnapshotsBetweenEpochEndsMeasureTheFixedSubset() throws {
        // 10 steps per epoch: epoch ends at steps 20 and 30.
        let (c, data) = smallRun(development: 5, descending: 5, epochs: 2, snapshotEvery: 5, train: 80, test: 1_503)
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
        let (c, data) = smallRun(development: 4, descending: 0, epochs: 1, snapshotEvery: 3, train: 40,
                              test: Simulation.snapshotTestSamples)
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
