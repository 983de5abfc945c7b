import Foundation
import XCTest

/// Progress output: plain lines when not on a terminal, JSON lines with --json, nothing with --quiet.
final class ProgressOutputTests: XCTestCase {
    private let small = ["--sizes", "8,10,4", "--development-steps", "40", "--descending-steps", "20", "--epochs", "2", "--batch", "16", "--snapshot-every", "10"]

    func testPlainJSONAndQuiet() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        let plain = try CommandRunner.run(["simulate"] + small + ["--out", dir.appendingPathComponent("p.h5").path])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.stderr.contains("[circuit] reciprocal-stage step 40"), plain.stderr)
        XCTAssertTrue(plain.stderr.contains("[circuit] descending-stage step 60"), plain.stderr)
        XCTAssertTrue(plain.stderr.contains("[circuit] learning epoch 2"), plain.stderr)
        XCTAssertFalse(plain.stderr.contains("\r"), "no live line when stderr is not a terminal")
        XCTAssertTrue(plain.stdout.contains("circuit test accuracy"), plain.stdout)
        XCTAssertTrue(plain.stdout.contains("level 2:"), plain.stdout)

        let json = try CommandRunner.run(["simulate"] + small + ["--json", "--compare-bp", "--out", dir.appendingPathComponent("j.h5").path])
        XCTAssertEqual(json.status, 0, json.stderr)
        let lines = try CommandRunner.jsonLines(json)
        XCTAssertEqual(lines.first?["event"] as? String, "start")
        XCTAssertEqual(lines.last?["event"] as? String, "summary")
        let snapshots = lines.filter { $0["event"] as? String == "snapshot" && $0["run"] as? String == "circuit" }
        XCTAssertEqual(snapshots.compactMap { $0["step"] as? Int }.first, 0)
        XCTAssertEqual((snapshots.first?["levels"] as? [Any])?.count, 2)
        XCTAssertEqual(lines.filter { $0["event"] as? String == "epoch" && $0["run"] as? String == "bp" }.count, 2)
        XCTAssertNotNil(lines.last?["bp_test_accuracy"] as? Double)
        XCTAssertEqual(json.stderr, "", "JSON mode keeps stderr for errors")

        let quiet = try CommandRunner.run(["simulate"] + small + ["--quiet", "--out", dir.appendingPathComponent("q.h5").path])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "")
        XCTAssertTrue(quiet.stdout.contains("circuit test accuracy"))
    }

    func testDefaultOutputNameFollowsTheSeed() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CommandRunner.run(["simulate", "--seed", "12"] + small + ["--quiet"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run-seed12.h5").path))
    }
}
