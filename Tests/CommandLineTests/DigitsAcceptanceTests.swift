import Foundation
import SelfAssembleStore
import XCTest

/// Acceptance 1 and 2 of the engine, end to end through the command line on the real digits
/// data: the motif self-assembles and the circuit learns as well as backpropagation; with
/// development off and V, Vbar frozen nothing assembles.
final class DigitsAcceptanceTests: XCTestCase {
    func testDigitsConfigurationAssemblesAndMatchesBackprop() throws {
        let digits = try CommandRunner.digitsDirectory()
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("digits.h5")
        let result = try CommandRunner.run([
            "simulate", "--seed", "7", "--data", digits.path, "--sizes", "64,128,128,10", "--ratio", "2",
            "--batch", "32", "--development-steps", "3000", "--epochs", "30", "--compare-bp", "--json", "--out", out.path,
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try CommandRunner.jsonLines(result)
        let summary = try XCTUnwrap(lines.last)
        XCTAssertEqual(summary["event"] as? String, "summary")

        let circuitAccuracy = try XCTUnwrap(summary["test_accuracy"] as? Double)
        let bpAccuracy = try XCTUnwrap(summary["bp_test_accuracy"] as? Double)
        XCTAssertGreaterThan(circuitAccuracy, 0.9)
        XCTAssertGreaterThanOrEqual(circuitAccuracy, bpAccuracy - 0.02, "circuit no more than 2 points below bp")

        let levels = try XCTUnwrap(summary["levels"] as? [[String: Any]])
        XCTAssertEqual(levels.count, 3)
        for level in levels {
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(level["alignment_H"] as? Double), 0.85, "alignment_H at the end, level \(level["level"]!)")
        }
        let onsets = try XCTUnwrap(summary["onset_steps"] as? [Any])
        XCTAssertTrue(onsets.allSatisfy { ($0 as? Int).map { $0 > 3000 } ?? false }, "assembled during learning at every level: \(onsets)")

        // The file says the same: reciprocity after development, and the onsets.
        let reader = try RunReader(path: out.path)
        let steps = try reader.steps()
        let endOfDevelopment = try XCTUnwrap(steps.firstIndex(of: 3000))
        for l in 1...3 {
            let reciprocity = try reader.metric("reciprocity_\(l)")
            XCTAssertLessThan(abs(reciprocity[0]), 0.2, "random at the start, level \(l)")
            XCTAssertGreaterThanOrEqual(reciprocity[endOfDevelopment], 0.95, "after development, level \(l)")
        }
        XCTAssertEqual(try reader.onsets().map { $0 ?? -1 }, onsets.map { $0 as! Int })
        XCTAssertTrue(reader.isComplete)
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
        XCTAssertEqual(result.status, 0, result.stderr)
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
