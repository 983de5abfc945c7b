import CHDF5
import Foundation
import SelfAssembleReport
import SelfAssembleStore
import SelfAssembleTestSupport
import XCTest

/// A file that is not a run, or is damaged, gets a clear one-line error, from the library and
/// from the command line (`selfassemble: error: ...` on stderr, non-zero exit), never a crash.
final class BadFileTests: XCTestCase {
    private func report(_ path: String) throws -> MotifReport {
        try MotifReport.make(from: try RunReader(path: path), options: quickOptions(samples: 2))
    }

    /// Runs the command and checks the one error line.
    private func assertCommandFails(_ arguments: [String], mentions fragments: [String], status: Int32? = nil,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLI.run(arguments)
        XCTAssertNotEqual(result.status, 0, "exit status", file: file, line: line)
        if let status { XCTAssertEqual(result.status, status, file: file, line: line) }
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line on stderr: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("selfassemble: error: "), result.stderr, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "'\(result.stderr)' mentions '\(fragment)'", file: file, line: line)
        }
        XCTAssertEqual(result.stdout, "", "nothing on stdout", file: file, line: line)
    }

    func testMissingFileAndDirectory() throws {
        let directory = try Scratch.directory()
        assertOneLineError(["no such file"]) { _ = try self.report(directory + "/missing.h5") }
        assertOneLineError(["is a directory"]) { _ = try self.report(directory) }
        try assertCommandFails(["report", directory + "/missing.h5"], mentions: ["no such file", "missing.h5"])
    }

    func testNotHDF5() throws {
        let path = try Scratch.directory() + "/notes.h5"
        try Data("step,accuracy\n0,0.5\n".utf8).write(to: URL(fileURLWithPath: path))
        assertOneLineError(["not an HDF5 file", path]) { _ = try self.report(path) }
        try assertCommandFails(["report", path], mentions: ["not an HDF5 file", "selfassemble run file"])
    }

    func testHDF5ButNotARun() throws {
        let path = try Scratch.directory() + "/foreign.h5"
        let file = H5Fcreate(path, sa_H5F_ACC_TRUNC(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        XCTAssertGreaterThanOrEqual(file, 0)
        let group = H5Gcreate2(file, "measurements", sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        H5Gclose(group)
        H5Fclose(file)
        assertOneLineError(["not a selfassemble run", path]) { _ = try self.report(path) }
        try assertCommandFails(["report", path], mentions: ["is an HDF5 file but not a selfassemble run"])
    }

    func testTruncatedRunFiles() throws {
        let directory = try Scratch.directory()
        let source = directory + "/tiny.h5"
        try TinyRun.write(to: source)
        XCTAssertNoThrow(try report(source), "the intact file reports")
        let whole = try Data(contentsOf: URL(fileURLWithPath: source))
        for length in [whole.count - 1, whole.count * 3 / 4, whole.count / 2, 4096, 512, 8] {
            let path = directory + "/truncated-\(length).h5"
            try whole.prefix(length).write(to: URL(fileURLWithPath: path))
            let message = assertOneLineError([path]) { _ = try self.report(path) }
            XCTAssertNotNil(message, "truncated to \(length) of \(whole.count) bytes")
        }
        try assertCommandFails(["report", directory + "/truncated-\(whole.count / 2).h5"], mentions: ["truncated-"])
    }

    func testRunWithoutSnapshots() throws {
        let path = try Scratch.directory() + "/empty.h5"
        try TinyRun.write(to: path, finish: false, snapshots: 0)
        XCTAssertEqual(try RunReader(path: path).snapshotCount, 0)
        assertOneLineError(["no completed snapshot", "nothing to report"]) { _ = try self.report(path) }
        try assertCommandFails(["report", path], mentions: ["no completed snapshot"])
    }

    func testBadOptions() throws {
        let path = try Scratch.directory() + "/tiny.h5"
        try TinyRun.write(to: path)
        try assertCommandFails(["report", path, "--top-percent", "0"], mentions: ["--top-percent", "(0, 100]"], status: 64)
        try assertCommandFails(["report", path, "--null-samples", "1"], mentions: ["--null-samples"], status: 64)
        try assertCommandFails(["report", path, "--consecutive", "0"], mentions: ["--consecutive"], status: 64)
        try assertCommandFails(["report"], mentions: ["file"], status: 64)
        // Every detector threshold is a cosine in (0, 1]: -1, 0 (a random circuit would pass) and 1.5 are refused.
        for option in ["--reciprocity-threshold", "--descending-threshold", "--alignment-threshold"] {
            for value in ["-1", "0", "1.5", "nan"] {
                try assertCommandFails(["report", path, option, value], mentions: [option, "(0, 1]", value], status: 64)
            }
        }
        try assertCommandFails(["report", path, "--z-threshold", "-2"], mentions: ["--z-threshold", "positive"], status: 64)
        // --out on an existing file.
        let blocker = try Scratch.directory() + "/a-file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        try assertCommandFails(["report", path, "--null-samples", "2", "--out", blocker], mentions: ["is a file, not a directory"])
    }

    /// A report that fails to write (here a file-size limit, which needs no root) leaves no
    /// directory it created for --out (it used to leave an empty `sub/` of `--out tf/sub`), and
    /// keeps one that was there before.
    func testAFailedReportRemovesTheDirectoriesItCreated() throws {
        let scratch = try Scratch.directory()
        let path = scratch + "/tiny.h5"
        try TinyRun.write(to: path)
        let existing = scratch + "/tf"
        try FileManager.default.createDirectory(atPath: existing, withIntermediateDirectories: true)
        for out in [existing + "/sub", existing + "/sub/deeper", existing] {
            let limited = try ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), [
                "-c", "ulimit -f 1 && exec \"$0\" \"$@\"", CLI.executable.path, "report", path, "--null-samples", "2", "--out", out])
            XCTAssertEqual(limited.status, 1, limited.stderr)
            XCTAssertEqual(limited.stderr.split(separator: "\n").count, 1, limited.stderr)
            XCTAssertTrue(limited.stderr.contains("cannot write"), limited.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: existing + "/sub"), "\(out): the directories it created are gone")
            XCTAssertTrue(FileManager.default.fileExists(atPath: existing), "the directory that was there is kept")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: existing), [], "nothing left in it")
        }
    }
}
