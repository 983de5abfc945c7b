import Foundation
import XCTest

/// Issue 8: `validate` on a run that is still being written checks it as of the snapshots
/// completed when it began, says that the run is being written, and never calls the healthy
/// file damaged (it used to report "has 17 entries for 15 snapshots" and "snapshot 7 cannot be
/// read" in almost every try).
final class LiveValidationTests: XCTestCase {
    func testValidatingARunWhileItIsWrittenNeverReportsErrors() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("live.h5").path
        // Small and fast, with a snapshot every 5 steps: the writer is busy most of the time.
        let simulate = try CommandRunner.startWriting(path, ["--sizes", "32,48,24,10", "--development-steps", "800", "--epochs", "5",
                                                            "--snapshot-every", "5"])
        defer { if simulate.isRunning { simulate.terminate() } }

        var whileWritten = [String](), failures = [String]()
        while simulate.isRunning {
            let result = try CommandRunner.run(["validate", path])
            guard result.status == 0 else {
                failures.append("exit \(result.status): \(result.stdout) \(result.stderr)")
                continue
            }
            let line = result.stdoutLines.last ?? ""
            XCTAssertTrue(line.hasPrefix("\(path): valid (format 1, "), line)
            if line.contains("still being written") { whileWritten.append(line) }
        }
        simulate.waitUntilExit()
        XCTAssertEqual(simulate.terminationStatus, 0)
        XCTAssertEqual(failures, [], "a healthy file being written was called damaged")
        XCTAssertFalse(whileWritten.isEmpty, "no check happened while the run was written: the test proves nothing")
        // "live.h5: valid (format 1, 12 snapshots, running: still being written, checked as of its first 12 snapshots)"
        for line in whileWritten {
            let summary = line.dropFirst("\(path): valid (".count)
            let counts = summary.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            XCTAssertTrue(line.contains("running: still being written, checked as of its first"), line)
            XCTAssertEqual(counts.count, 3, line)
            XCTAssertEqual(counts.dropFirst().first, counts.last, "one snapshot count throughout: \(line)")
        }
        let final = try CommandRunner.run(["validate", "--json", path])
        XCTAssertEqual(final.status, 0, final.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(final.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["status"] as? String, "complete")
        XCTAssertEqual(report["beingWritten"] as? Bool, false)
    }
}
