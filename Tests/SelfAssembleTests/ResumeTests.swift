import SelfAssemble
import XCTest

/// A run continued from any snapshot's circuit and checkpoint ends bit-identical to the run
/// that was never interrupted: the checkpoint holds everything besides the circuit.
final class ResumeTests: XCTestCase {
    private func configuration() -> SimulationConfiguration {
        var c = SimulationConfiguration()
        c.seed = 5
        c.sizes = [16, 20, 12, 6]
        c.developmentSteps = 300
        c.descendingSteps = 100
        c.epochs = 4
        c.batch = 16
        c.snapshotEvery = 40
        c.thresholds = AssemblyThresholds(reciprocity: 0.3, descending: -1, alignmentH: -1, consecutive: 2)
        return c
    }

    private func data() -> DataSplit {
        var task = GaussianClusters(features: 16, classes: 6)
        task.trainSamples = 200
        task.testSamples = 60
        return task.generate(seed: 5)
    }

    private func runAll(_ simulation: inout Simulation) throws -> ([Snapshot], SimulationSummary) {
        var snapshots = [Snapshot]()
        let summary = try simulation.run { if case .snapshot(let s) = $0 { snapshots.append(s) } }
        return (snapshots, summary)
    }

    func testResumingFromEverySnapshotIsBitIdentical() throws {
        var full = try Simulation(configuration: configuration(), data: data())
        let (snapshots, summary) = try runAll(&full)
        XCTAssertGreaterThan(snapshots.count, 8)
        XCTAssertNotNil(summary.onsets[0], "the relaxed thresholds let the detector fire, so its state matters")
        for (i, snapshot) in snapshots.enumerated().dropLast() {
            // Through JSON, as the store keeps it.
            let checkpoint = try SimulationCheckpoint(json: snapshot.checkpoint.json())
            XCTAssertEqual(checkpoint, snapshot.checkpoint, "checkpoint \(i) survives JSON")
            var resumed = try Simulation(configuration: configuration(), data: data(), resumingFrom: checkpoint,
                                         circuit: snapshot.circuit)
            let (rest, resumedSummary) = try runAll(&resumed)
            XCTAssertEqual(rest.map(\.step), snapshots[(i + 1)...].map(\.step), "from snapshot \(i)")
            XCTAssertEqual(rest.map(\.motif), snapshots[(i + 1)...].map(\.motif), "from snapshot \(i)")
            XCTAssertEqual(resumedSummary.finalCircuit, summary.finalCircuit, "from snapshot \(i)")
            XCTAssertEqual(resumedSummary.onsets, summary.onsets)
            XCTAssertEqual(resumedSummary.testAccuracyByEpoch, summary.testAccuracyByEpoch)
            XCTAssertEqual(resumedSummary.finalTrainAccuracy, summary.finalTrainAccuracy)
        }
    }

    /// Data of the same sizes with one value or one label changed are other data: continuing
    /// on them is refused in one line (it used to continue silently on the edited file).
    func testContinuingOnChangedDataIsRefused() throws {
        var simulation = try Simulation(configuration: configuration(), data: data())
        var snapshots = [Snapshot]()
        _ = try simulation.run { if case .snapshot(let s) = $0 { snapshots.append(s) } }
        let middle = try XCTUnwrap(snapshots.dropFirst(snapshots.count / 2).first)
        XCTAssertEqual(middle.checkpoint.dataFingerprint, data().fingerprint)
        XCTAssertEqual(data().fingerprint.count, 16)

        var oneValue = data(), oneLabel = data()
        oneValue.train.inputs.values[17] += 0.001
        oneLabel.test.labels[3] = (oneLabel.test.labels[3] + 1) % 6
        for changed in [oneValue, oneLabel] {
            XCTAssertNotEqual(changed.fingerprint, data().fingerprint)
            XCTAssertThrowsError(try Simulation(configuration: configuration(), data: changed, resumingFrom: middle.checkpoint,
                                                circuit: middle.circuit)) { error in
                let message = String(describing: error)
                XCTAssertTrue(message.contains("the data have changed since the run was started"), message)
                XCTAssertTrue(message.contains("give the data it was started with"), message)
                XCTAssertFalse(message.contains("\n"))
            }
        }
        // A checkpoint written before the fingerprint existed is not checked.
        var older = middle.checkpoint
        older.dataFingerprint = nil
        XCTAssertNoThrow(try Simulation(configuration: configuration(), data: oneValue, resumingFrom: older, circuit: middle.circuit))
    }
}
