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
            (["export", "run.h5", "circuit", "--step", "last"], ["refusing", "holds a previous export", "--overwrite"]),
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

    /// --overwrite replaced the whole directory: `export run.h5 . --overwrite` deleted the
    /// current directory with the run file in it, and a directory's notes and other runs went
    /// too. Now it replaces a previous export's files only, and refuses (one line, nothing
    /// touched) a directory that holds the run file or anything an export does not write.
    func testOverwriteReplacesOnlyAPreviousExport() throws {
        let directory = try ScratchDirectory()
        let binary = Program.selfassemble
        func export(_ arguments: [String], in place: String) throws -> Program.Result {
            try Program.run(binary, ["export"] + arguments + ["--step", "last", "--overwrite"], in: place)
        }
        func assertRefused(_ result: Program.Result, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(result.status, 1, result.output, file: file, line: line)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.output, file: file, line: line)
            for fragment in fragments { XCTAssertTrue(result.stderr.contains(fragment), "'\(result.stderr)' lacks '\(fragment)'", file: file, line: line) }
        }

        // The run file inside OUTDIR, and OUTDIR the current directory.
        let own = directory.file("self")
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: false)
        try ExportFixture.writeRun(to: own + "/run.h5")
        let runBytes = try Data(contentsOf: URL(fileURLWithPath: own + "/run.h5"))
        assertRefused(try export(["self/run.h5", "self", "--format", "csv"], in: directory.path),
                      ["refusing to export into self", "holds the run file being exported (run.h5)"])
        assertRefused(try export(["run.h5", ".", "--format", "csv"], in: own), ["holds the run file being exported (run.h5)"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: own), ["run.h5"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: own + "/run.h5")), runBytes, "the run file is untouched")

        // Files an export does not write: refused, with or without a previous export beside them.
        let mixed = directory.file("mixed")
        XCTAssertEqual(try export(["self/run.h5", "mixed"], in: directory.path).status, 0)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: mixed + "/notes.txt"))
        try FileManager.default.copyItem(atPath: own + "/run.h5", toPath: mixed + "/other-run.h5")
        let before = try FileManager.default.contentsOfDirectory(atPath: mixed).sorted()
        assertRefused(try export(["self/run.h5", "mixed", "--format", "csv"], in: directory.path),
                      ["refusing to export into mixed", "it holds notes.txt and 1 more, which an export does not write", "choose a new or empty output directory"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mixed).sorted(), before, "nothing is deleted")
        XCTAssertEqual(try String(contentsOfFile: mixed + "/notes.txt", encoding: .utf8), "keep me")

        // A previous export alone is replaced: SONATA by CSV leaves only edges.csv, and back;
        // the current directory stays (same inode) and nothing temporary is left.
        let circuit = directory.file("circuit")
        XCTAssertEqual(try export(["self/run.h5", "circuit"], in: directory.path).status, 0)
        var inode = stat()
        XCTAssertEqual(stat(circuit, &inode), 0)
        let csv = try export([own + "/run.h5", ".", "--format", "csv"], in: circuit)
        XCTAssertEqual(csv.status, 0, csv.output)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: circuit), ["edges.csv"])
        let sonata = try export([own + "/run.h5", "circuit"], in: directory.path)
        XCTAssertEqual(sonata.status, 0, sonata.output)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: circuit).sorted(),
                       ["circuit_config.json", "edge_types.csv", "edges.h5", "node_types.csv", "nodes.h5"])
        var after = stat()
        XCTAssertEqual(stat(circuit, &after), 0)
        XCTAssertEqual(after.st_ino, inode.st_ino, "the directory itself is never replaced")
        XCTAssertEqual(directory.contents(), ["circuit", "mixed", "self"], "no temporary directory is left")

        // A failed export leaves the previous one as it was.
        let config = try Data(contentsOf: URL(fileURLWithPath: circuit + "/circuit_config.json"))
        let failed = try Program.run(binary, ["export", "self/run.h5", "circuit", "--step", "7", "--overwrite", "--format", "csv"], in: directory.path)
        XCTAssertEqual(failed.status, 1, failed.output)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: circuit).count, 5)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: circuit + "/circuit_config.json")), config)
    }
}
