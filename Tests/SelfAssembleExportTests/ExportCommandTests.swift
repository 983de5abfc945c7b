import Foundation
import SelfAssembleStore
import XCTest

/// `selfassemble export` as a user runs it: output on stdout, one error line on stderr.
final class ExportCommandTests: XCTestCase {
    func testExportCommandWritesAndReportsErrorsInOneLine() throws {
        let directory = try ScratchDirectory()
        try ExportFixture.writeRun(to: directory.file("run.h5"))
        let binary = Program.selfassemble

        let ok = try Program.run(binary, ["export", "run.h5", "--format", "sonata", "--step", "10", "--threshold", "0.1", "circuit"], in: directory.path)
        XCTAssertEqual(ok.status, 0, ok.output)
        XCTAssertTrue(ok.stdout.hasPrefix("wrote circuit: SONATA circuit of run.h5 at step 10 (snapshot 2)"), ok.stdout)
        XCTAssertEqual(ok.stderr, "")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.file("circuit/edges.h5")))

        let csv = try Program.run(binary, ["export", "run.h5", "edges", "--format", "csv", "--snapshot-index", "0"], in: directory.path)
        XCTAssertEqual(csv.status, 0, csv.output)
        XCTAssertTrue(csv.stdout.contains("CSV edge list of run.h5 at step 0 (snapshot 0)"), csv.stdout)

        for (arguments, fragments) in [
            (["export", "run.h5", "x", "--step", "7"], ["no snapshot at step 7", "nearest stored steps are 5 and 10"]),
            (["export", "run.h5", "circuit", "--step", "last"], ["refusing", "not empty", "--overwrite"]),
            (["export", "run.h5", "x", "--format", "graphml", "--step", "last"], ["--format must be one of sonata, csv"]),
            (["export", "run.h5", "x"], ["choose the snapshot to export"]),
            (["export", "run.h5", "x", "--step", "5", "--snapshot-index", "1"], ["exclude each other"]),
            (["export", "missing.h5", "x", "--step", "last"], ["no such file: missing.h5"]),
            (["export", "run.h5", "x", "--step", "last", "--threshold=-1"], ["--threshold must be a finite number >= 0"]),
            (["export", "run.h5", "x", "--step", "last", "--threshold", "-1"], ["--threshold must be a finite number >= 0"]),
        ] {
            let result = try Program.run(binary, arguments, in: directory.path)
            XCTAssertNotEqual(result.status, 0, "\(arguments): \(result.output)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(arguments): \(result.output)")
            XCTAssertTrue(result.stderr.hasPrefix("selfassemble: error: "), result.stderr)
            for fragment in fragments { XCTAssertTrue(result.stderr.contains(fragment), "\(arguments): '\(result.stderr)' lacks '\(fragment)'") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.file("x")))
        XCTAssertEqual(directory.contents(), ["circuit", "edges", "run.h5"], "no partial output")

        // A threshold above every weight writes empty edge populations, and says so.
        let empty = try Program.run(binary, ["export", "run.h5", "empty", "--step", "last", "--threshold", "1e40"], in: directory.path)
        XCTAssertEqual(empty.status, 0, empty.output)
        XCTAssertTrue(empty.stdout.contains("edges: W 0, V 0, Vbar 0, Wbar 0"), empty.stdout)
        XCTAssertEqual(empty.stderr, "selfassemble: warning: no synapse has |weight| >= 1e+40, so every edge population is empty; lower --threshold (0 keeps every synapse)\n")
    }
}
