import Foundation
import SelfAssembleStore
import XCTest

/// The acceptance of model version 2, end to end through the command line on the real digits
/// data: the motif self-assembles in development and the circuit learns as well as
/// backpropagation; version 1 stays reachable; with development off and V, Vbar frozen nothing
/// assembles, and the descending stage alone does not assemble it either.
final class DigitsAcceptanceTests: XCTestCase {
    /// Model version 2 (the defaults): the motif assembles in development at every level
    /// (reciprocity and descending >= 0.99 at the end of development), alignment_H >= 0.98 at
    /// the end of learning, and the circuit is within a point of bp at the same settings.
    func testDigitsConfigurationAssemblesInDevelopmentAndMatchesBackprop() throws {
        let digits = try CommandRunner.digitsDirectory()
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("digits.h5")
        let result = try CommandRunner.run([
            "simulate", "--seed", "7", "--data", digits.path, "--sizes", "64,128,128,10", "--ratio", "2",
            "--batch", "32", "--development-steps", "3000", "--descending-steps", "2000", "--epochs", "30",
            "--compare-bp", "--json", "--out", out.path,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try CommandRunner.jsonLines(result)
        let summary = try XCTUnwrap(lines.last)
        XCTAssertEqual(summary["event"] as? String, "summary")

        let circuitAccuracy = try XCTUnwrap(summary["test_accuracy"] as? Double)
        let bpAccuracy = try XCTUnwrap(summary["bp_test_accuracy"] as? Double)
        let tunedAccuracy = try XCTUnwrap(summary["bp_tuned_test_accuracy"] as? Double)
        XCTAssertGreaterThan(circuitAccuracy, 0.96)
        XCTAssertGreaterThanOrEqual(circuitAccuracy, bpAccuracy - 0.01, "circuit within a point of bp at the same settings")
        XCTAssertGreaterThanOrEqual(tunedAccuracy, bpAccuracy, "bp at its best weight decay is no worse than at the circuit's")
        XCTAssertGreaterThanOrEqual(circuitAccuracy, tunedAccuracy - 0.01, "circuit within a point of bp at its best weight decay")

        let levels = try XCTUnwrap(summary["levels"] as? [[String: Any]])
        XCTAssertEqual(levels.count, 3)
        for level in levels {
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(level["alignment_H"] as? Double), 0.98, "alignment_H at the end, level \(level["level"]!)")
        }
        let onsets = try XCTUnwrap(summary["onset_steps"] as? [Any])
        XCTAssertTrue(onsets.allSatisfy { ($0 as? Int).map { $0 < 5000 } ?? false }, "assembled during development at every level: \(onsets)")

        // The file says the same: reciprocity after the reciprocal stage, descending after the
        // descending stage, the stages in /snapshots/phase, and the onsets.
        let reader = try RunReader(path: out.path)
        let steps = try reader.steps()
        let endOfReciprocal = try XCTUnwrap(steps.firstIndex(of: 3000))
        let endOfDevelopment = try XCTUnwrap(steps.firstIndex(of: 5000))
        let phases = try reader.phases()
        XCTAssertEqual(phases[endOfReciprocal], .reciprocalStage)
        XCTAssertEqual(phases[endOfDevelopment], .descendingStage)
        XCTAssertEqual(phases.last, .learning)
        for l in 1...3 {
            let reciprocity = try reader.metric("reciprocity_\(l)")
            XCTAssertLessThan(abs(reciprocity[0]), 0.2, "random at the start, level \(l)")
            XCTAssertGreaterThanOrEqual(reciprocity[endOfReciprocal], 0.99, "after the reciprocal stage, level \(l)")
            XCTAssertGreaterThanOrEqual(reciprocity[endOfDevelopment], 0.99, "after development, level \(l)")
            if l >= 2 {
                let descending = try reader.metric("descending_\(l)")
                XCTAssertLessThan(abs(descending[endOfReciprocal]), 0.2, "not yet consistent after the reciprocal stage, level \(l)")
                XCTAssertGreaterThanOrEqual(descending[endOfDevelopment], 0.99, "after development, level \(l)")
            }
        }
        XCTAssertEqual(try reader.onsets().map { $0 ?? -1 }, onsets.map { $0 as! Int })
        let tuned = try XCTUnwrap(try reader.tunedComparison())
        XCTAssertEqual(tuned.outcome.finalTestAccuracy, tunedAccuracy, accuracy: 1e-12)
        XCTAssertTrue([0, 1e-4, 3e-4, 1e-3].contains { abs($0 - tuned.weightDecay) < 1e-9 })
        XCTAssertTrue(reader.isComplete)
    }

    /// Version 1 through the ablation options reproduces version 1's acceptance: reciprocity
    /// >= 0.95 after development and the circuit within 2 points of bp at lambda 1e-3; its
    /// descending consistency stays short of 1 (model.md: about 0.8).
    func testVersion1ThroughTheAblationOptions() throws {
        let digits = try CommandRunner.digitsDirectory()
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("v1.h5")
        let result = try CommandRunner.run([
            "simulate", "--connectome", "version1", "--data", digits.path, "--compare-bp", "--json", "--out", out.path,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try XCTUnwrap(try CommandRunner.jsonLines(result).last)
        let circuitAccuracy = try XCTUnwrap(summary["test_accuracy"] as? Double)
        let bpAccuracy = try XCTUnwrap(summary["bp_test_accuracy"] as? Double)
        // 346 / 360 until W and Wbar were updated in one sgemm (decay, rate and update rounded
        // together, docs/performance.md): one test sample changed; model.md records version 1
        // at 0.957 against bp 0.962 over seeds 1-5.
        XCTAssertEqual(circuitAccuracy, 345.0 / 360, accuracy: 1e-9, "version 1, seed 7: 0.958")
        XCTAssertGreaterThanOrEqual(circuitAccuracy, bpAccuracy - 0.02)
        let reader = try RunReader(path: out.path)
        let endOfDevelopment = try XCTUnwrap(try reader.steps().firstIndex(of: 3000))
        for l in 1...3 {
            XCTAssertGreaterThanOrEqual(try reader.metric("reciprocity_\(l)")[endOfDevelopment], 0.95, "level \(l)")
        }
        let topDescending = try XCTUnwrap(try reader.metric("descending_3").last)
        XCTAssertLessThan(topDescending, 0.9, "version 1 caps descending at the top level")
        XCTAssertFalse(try reader.phases().contains(.descendingStage))
    }

    /// The descending stage without the reciprocal stage: Wbar V does not become W^T, the motif
    /// does not assemble and the circuit does not learn; each stage is needed.
    func testDescendingStageAloneDoesNotAssemble() throws {
        let digits = try CommandRunner.digitsDirectory()
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("descending-only.h5")
        let result = try CommandRunner.run([
            "simulate", "--connectome", "descending-only", "--data", digits.path, "--epochs", "3", "--json", "--out", out.path,
        ])
        // Its learning runs away (exit 3, the file complete): the loss passes 10^4 times chance.
        XCTAssertTrue(CommandRunner.completed.contains(result.status), result.stderr)
        let summary = try XCTUnwrap(try CommandRunner.jsonLines(result).last)
        let onsets = try XCTUnwrap(summary["onset_steps"] as? [Any])
        XCTAssertTrue(onsets.allSatisfy { $0 is NSNull }, "no assembly: \(onsets)")
        XCTAssertLessThan(try XCTUnwrap(summary["test_accuracy"] as? Double), 0.5, "the circuit does not learn")
        let reader = try RunReader(path: out.path)
        let endOfDevelopment = try XCTUnwrap(try reader.steps().firstIndex(of: 2000))
        for l in 2...3 {
            XCTAssertLessThan(try reader.metric("descending_\(l)")[endOfDevelopment], 0.5, "level \(l)")
        }
    }

    func testNegativeControlReportsNoAssembly() throws {
        let digits = try CommandRunner.digitsDirectory()
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("control.h5")
        let result = try CommandRunner.run([
            "simulate", "--seed", "7", "--data", digits.path, "--development-steps", "0", "--descending-steps", "0", "--plastic", "W,Wbar",
            "--epochs", "10", "--json", "--out", out.path,
        ])
        // Without development learning runs away (docs/report.md): exit 3, the file complete.
        XCTAssertEqual(result.status, 3, result.stderr)
        let summary = try XCTUnwrap(try CommandRunner.jsonLines(result).last)
        let onsets = try XCTUnwrap(summary["onset_steps"] as? [Any])
        XCTAssertEqual(onsets.count, 3)
        XCTAssertTrue(onsets.allSatisfy { $0 is NSNull }, "no assembly: \(onsets)")
        let reader = try RunReader(path: out.path)
        for l in 1...3 {
            XCTAssertLessThan(try reader.metric("reciprocity_\(l)").map(abs).max()!, 0.2, "level \(l)")
        }
        XCTAssertEqual(try reader.onsets(), [nil, nil, nil])

        // The plain summary says so in words.
        let plain = try CommandRunner.run([
            "simulate", "--seed", "7", "--data", digits.path, "--development-steps", "0", "--descending-steps", "0", "--plastic", "W,Wbar",
            "--epochs", "2", "--quiet", "--out", dir.appendingPathComponent("plain.h5").path,
        ])
        XCTAssertEqual(plain.stdout.components(separatedBy: "not assembled (reciprocity stayed short)").count - 1, 3, plain.stdout)
    }
}
