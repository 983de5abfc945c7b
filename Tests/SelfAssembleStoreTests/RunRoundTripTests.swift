import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// A real simulation written with RunWriter and read back with RunReader: everything the
/// simulation emitted must come back exactly.
final class RunRoundTripTests: XCTestCase {
    func testEverySnapshotComesBackBitForBit() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5")
        let run = try TinyRun.write(to: path, thresholds: TinyRun.permissive)
        let reader = try RunReader(path: path)

        // 0, 5, ..., 20 (end of the reciprocal stage), 25, 30 (end of the descending stage), 35, 40, 42 (last step).
        XCTAssertEqual(run.snapshots.map(\.step), [0, 5, 10, 15, 20, 25, 30, 35, 40, 42])
        XCTAssertEqual(reader.snapshotCount, run.snapshots.count)
        XCTAssertEqual(try reader.steps(), run.snapshots.map(\.step))
        XCTAssertEqual(try reader.phases(), run.snapshots.map(\.phase))
        XCTAssertEqual(try reader.epochs(), run.snapshots.map(\.epoch))
        XCTAssertTrue(try reader.phases().contains(.reciprocalStage) && reader.phases().contains(.learning))

        XCTAssertEqual(try reader.projectionNames(),
                       ["W_1", "V_1", "Vbar_1", "W_2", "V_2", "Vbar_2", "Wbar_2", "W_3", "V_3", "Vbar_3", "Wbar_3"])
        for index in [0, run.snapshots.count - 1] {
            let circuit = run.snapshots[index].circuit
            for projection in circuit.architecture.projections {
                let expected = try XCTUnwrap(circuit.weights(projection.kind, level: projection.level))
                let stored = try reader.weights(projection.name, snapshot: index)
                XCTAssertEqual(stored.rows, expected.rows, projection.name)
                XCTAssertEqual(stored.cols, expected.cols, projection.name)
                XCTAssertEqual(bits(stored.values), bits(expected.values), "\(projection.name) at snapshot \(index)")
            }
            for l in 1...circuit.levels {
                XCTAssertEqual(bits(try reader.bias(level: l, snapshot: index)), bits(circuit[l].b), "b_\(l) at snapshot \(index)")
            }
            XCTAssertEqual(try reader.circuit(snapshot: index), circuit)
        }
        // Learning changed the weights between the first and the last snapshot: the
        // comparison above would not notice snapshots written in the wrong slot otherwise.
        XCTAssertNotEqual(try reader.weights("W_2", snapshot: 0), try reader.weights("W_2", snapshot: run.snapshots.count - 1))

        let names = try reader.metricNames()
        XCTAssertEqual(names, RunLayout.metricNames(levels: 3))
        XCTAssertEqual(names.count, 7 * 3 - 1 + 3)
        XCTAssertFalse(names.contains("descending_1"))
        func emitted(_ pick: (Snapshot) -> Double) -> [UInt64] { bits(run.snapshots.map(pick)) }
        func level(_ s: Snapshot, _ l: Int) -> LevelMotifMetrics { s.motif.first { $0.level == l }! }
        for l in 1...3 {
            XCTAssertEqual(bits(try reader.metric("reciprocity_\(l)")), emitted { level($0, l).reciprocity })
            XCTAssertEqual(bits(try reader.metric("alignment_H_\(l)")), emitted { level($0, l).alignmentH })
            XCTAssertEqual(bits(try reader.metric("alignment_bp_\(l)")), emitted { level($0, l).alignmentBP })
            XCTAssertEqual(bits(try reader.metric("H_eig_min_\(l)")), emitted { level($0, l).spectrum.smallest })
            XCTAssertEqual(bits(try reader.metric("H_eig_max_\(l)")), emitted { level($0, l).spectrum.largest })
            XCTAssertEqual(bits(try reader.metric("H_effective_rank_\(l)")), emitted { level($0, l).spectrum.effectiveRank })
            if l >= 2 {
                XCTAssertEqual(bits(try reader.metric("descending_\(l)")), emitted { level($0, l).descending! })
            }
        }
        XCTAssertEqual(bits(try reader.metric("train_loss")), emitted(\.trainLoss))
        XCTAssertEqual(bits(try reader.metric("train_accuracy")), emitted(\.trainAccuracy))
        XCTAssertEqual(bits(try reader.metric("test_accuracy")), emitted(\.testAccuracy))
        XCTAssertTrue(try reader.metric("train_loss").first!.isNaN, "no training loss during development")

        XCTAssertEqual(reader.status, "complete")
        XCTAssertTrue(reader.isComplete)
        XCTAssertEqual(reader.formatVersion, 1)
        XCTAssertEqual(reader.softwareVersion, SelfAssembleVersion.string)
        XCTAssertEqual(reader.seed, 11)
        XCTAssertEqual(reader.configurationJSON, run.metadata.configurationJSON)
        let decoded = try JSONDecoder().decode(SimulationConfiguration.self, from: Data(reader.configurationJSON.utf8))
        XCTAssertEqual(decoded, TinyRun.configuration(thresholds: TinyRun.permissive))
        XCTAssertEqual(reader.dataDescription, TinyRun.data().description)
        XCTAssertNotNil(ISO8601DateFormatter().date(from: reader.created), reader.created)
        XCTAssertEqual(try reader.architecture(), run.metadata.architecture)

        XCTAssertEqual(try reader.onsets(), run.summary.onsets)
        XCTAssertEqual(try reader.onsets(), [0, 0, 0], "permissive thresholds: every level assembles at the first snapshot")
        XCTAssertEqual(try reader.thresholds(), TinyRun.permissive)

        let summary = try XCTUnwrap(try reader.summary())
        XCTAssertEqual(summary.rule, "circuit")
        XCTAssertEqual(summary.steps, 42)
        XCTAssertEqual(summary.finalTestAccuracy.bitPattern, run.summary.finalTestAccuracy.bitPattern)
        XCTAssertEqual(bits(summary.testAccuracyByEpoch), bits(run.summary.testAccuracyByEpoch))
        XCTAssertEqual(summary.testAccuracyByEpoch.count, 2)

        let expectedBP = try XCTUnwrap(run.comparison)
        let comparison = try XCTUnwrap(try reader.comparison())
        XCTAssertEqual(comparison.rule, "bp")
        XCTAssertEqual(comparison.finalTestAccuracy.bitPattern, expectedBP.finalTestAccuracy.bitPattern)
        XCTAssertEqual(bits(comparison.testAccuracyByEpoch), bits(expectedBP.testAccuracyByEpoch))
    }

    func testOnsetsWithAndWithoutAssembly() throws {
        let directory = try TemporaryDirectory()
        // Default thresholds cannot be met in 42 steps: every level stays unassembled (-1).
        let strict = directory.file("strict.h5")
        let run = try TinyRun.write(to: strict, compare: false)
        XCTAssertEqual(run.summary.onsets, [nil, nil, nil])
        let reader = try RunReader(path: strict)
        XCTAssertEqual(try reader.onsets(), [nil, nil, nil])
        XCTAssertNil(try reader.comparison())
        XCTAssertEqual(try reader.thresholds(), AssemblyThresholds())

        // A mixed outcome, written from an edited summary of the same run.
        let mixed = directory.file("mixed.h5")
        let writer = try RunWriter(creating: mixed, metadata: run.metadata)
        for snapshot in run.snapshots { try writer.append(snapshot) }
        var summary = run.summary
        summary.onsets = [15, nil, 25]
        try writer.finish(summary: summary, comparison: nil)
        XCTAssertEqual(try RunReader(path: mixed).onsets(), [15, nil, 25])
    }

    /// An interrupted run (closed without finish) is a readable file: status running, every
    /// appended snapshot present, onsets still -1, no summary.
    func testInterruptedRunIsReadable() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("interrupted.h5")
        let run = try TinyRun.write(to: path, thresholds: TinyRun.permissive, compare: false, finish: false)
        let reader = try RunReader(path: path)
        XCTAssertEqual(reader.status, "running")
        XCTAssertFalse(reader.isComplete)
        XCTAssertEqual(try reader.steps(), run.snapshots.map(\.step))
        XCTAssertEqual(try reader.onsets(), [nil, nil, nil])
        XCTAssertNil(try reader.summary())
        XCTAssertEqual(try reader.circuit(snapshot: reader.snapshotCount - 1), run.snapshots.last!.circuit)
    }

    /// What a reader in the same process sees while the writer is still open: every snapshot
    /// appended so far.
    func testReaderSeesCompletedSnapshotsWhileWriting() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("live.h5")
        let run = try TinyRun.write(to: directory.file("source.h5"), compare: false)
        let writer = try RunWriter(creating: path, metadata: run.metadata)
        for (count, snapshot) in run.snapshots.prefix(3).enumerated() {
            try writer.append(snapshot)
            let reader = try RunReader(path: path)
            XCTAssertEqual(reader.snapshotCount, count + 1)
            XCTAssertEqual(try reader.steps(), run.snapshots.prefix(count + 1).map(\.step))
            XCTAssertEqual(reader.status, "running")
        }
        try writer.finish(summary: run.summary, comparison: nil)
        XCTAssertEqual(try RunReader(path: path).status, "complete")
    }

    func testCompressionLevelDoesNotChangeTheData() throws {
        let directory = try TemporaryDirectory()
        let compressed = directory.file("compressed.h5")
        let plain = directory.file("plain.h5")
        let run = try TinyRun.write(to: compressed, compare: false, compressionLevel: 9)
        let writer = try RunWriter(creating: plain, metadata: run.metadata, compressionLevel: 0)
        for snapshot in run.snapshots { try writer.append(snapshot) }
        try writer.finish(summary: run.summary, comparison: nil)
        let a = try RunReader(path: compressed), b = try RunReader(path: plain)
        XCTAssertEqual(try a.circuit(snapshot: 3), try b.circuit(snapshot: 3))
    }
}
