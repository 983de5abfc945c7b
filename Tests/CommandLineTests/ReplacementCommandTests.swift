import Foundation
import SelfAssembleStore
import XCTest

/// Issue 8: `simulate --overwrite` used to truncate the old file in place: a notebook holding
/// it open read errors or other values, and a new run that failed or was killed took the old
/// run with it. Now the new run is written to FILE.partial and replaces FILE only once it has
/// finished; a killed, interrupted or failed replacement leaves FILE as it was and its partial
/// run where `--resume` continues it.
final class ReplacementCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// The old run (seed 7) and a longer new one (seed 9) of a small circuit. The old one learns
    /// at eta_W 0.02: after so short a development learning at 0.1 runs away (simulate exits 3).
    private let old = ["--sizes", "12,16,8,4", "--development-steps", "60", "--descending-steps", "20", "--epochs", "1",
                       "--batch", "16", "--snapshot-every", "20", "--eta-w", "0.02", "--quiet"]
    private let new = ["--seed", "9", "--sizes", "12,16,8,4", "--development-steps", "1500", "--descending-steps", "500",
                       "--epochs", "4", "--batch", "16", "--snapshot-every", "10", "--quiet"]

    private func writeOldRun(_ file: String) throws -> Data {
        let result = try CommandRunner.run(["simulate"] + old + ["--out", file])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try contents(file)
    }

    /// h5py holds the old file open through a whole replacement and reads the same values
    /// before and after it; the new run then is at the path.
    func testReadersOfTheOldFileKeepReadingItWhileItIsReplaced() throws {
        let file = path("run.h5")
        _ = try writeOldRun(file)
        let ready = path("ready"), go = path("go"), output = path("reader.out")
        let reader = try PythonRunner.start("""
            import hashlib, os, sys, time, h5py
            def fingerprint(f):
                digest = hashlib.sha256()
                for name in ["projections/W_1", "projections/Vbar_2", "snapshots/step", "metrics/test_accuracy"]:
                    digest.update(f[name][()].tobytes())
                return "%s %d %s %s" % (f.attrs["status"], int(f.attrs["seed"]), len(f["snapshots/step"]), digest.hexdigest())
            f = h5py.File(sys.argv[1], "r")
            before = fingerprint(f)
            open(sys.argv[2], "w").write(before)
            while not os.path.exists(sys.argv[3]):
                time.sleep(0.02)
            print(before)
            print(fingerprint(f))
            """, arguments: [file, ready, go], output: output)
        while !FileManager.default.fileExists(atPath: ready) && reader.isRunning { usleep(10_000) }
        let replaced = try CommandRunner.run(["simulate"] + new + ["--out", file, "--overwrite"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        FileManager.default.createFile(atPath: go, contents: nil)
        reader.waitUntilExit()
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(reader.terminationStatus, 0, lines.joined(separator: "\n"))
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines.first, lines.last, "the open old file reads the same after the replacement")
        XCTAssertTrue(lines.first?.hasPrefix("complete 7 ") ?? false, "\(lines)")
        let now = try RunReader(path: file)
        XCTAssertEqual(now.seed, 9)
        XCTAssertTrue(now.isComplete)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file + ".partial"))
    }

    /// Killed half-way: the old file is byte for byte what it was, the partial run is a valid
    /// run file, and `--resume` of it finishes the run, replaces the old file and gives the
    /// same run as one never killed.
    func testAKilledReplacementLeavesTheOldFileAndIsContinued() throws {
        let file = path("run.h5"), partial = path("run.h5.partial")
        let before = try writeOldRun(file)
        let (status, _) = try CommandRunner.startAndSignal(["simulate"] + new + ["--out", file, "--overwrite"], signal: SIGKILL) {
            CommandRunner.snapshots(in: partial) >= 3
        }
        XCTAssertEqual(status, SIGKILL, "the run was killed before it finished")
        XCTAssertEqual(try contents(file), before, "the old file is untouched")
        XCTAssertEqual(try RunValidator.report(path: partial).errors, [])

        // A new replacement does not clobber the partial run; it says how to go on.
        let again = try CommandRunner.run(["simulate"] + new + ["--out", file, "--overwrite"])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderrLines, ["selfassemble: error: cannot replace \(file): \(partial) exists, left by a replacement that did not finish; continue it with `selfassemble simulate --resume \(partial)`, or delete it to start again"])
        XCTAssertEqual(try contents(file), before)

        // --resume of the old file names the partial run to continue.
        let wrongFile = try CommandRunner.run(["simulate", "--resume", file, "--quiet"])
        XCTAssertEqual(wrongFile.status, 1)
        XCTAssertEqual(wrongFile.stderrLines, ["selfassemble: error: \(file) is complete; the replacement of it that did not finish is \(partial): continue that with `selfassemble simulate --resume \(partial)`"])

        let resumed = try CommandRunner.run(["simulate", "--resume", partial, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains(": \(file) (continued from step"), resumed.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: partial))
        let reference = path("reference.h5")
        XCTAssertEqual(try CommandRunner.run(["simulate"] + new + ["--out", reference]).status, 0)
        try assertSameRun(reference, file)
        XCTAssertEqual(try RunValidator.report(path: file).warnings, [])
    }

    /// --overwrite replaces run files, not a data file a mistyped --out names (directly or
    /// through a link).
    /// Without --overwrite an existing complete run is refused, and --resume is not offered for
    /// it (a complete run has nothing to continue); an incomplete one is offered --resume.
    func testRefusingACompleteRunDoesNotOfferResume() throws {
        let file = path("complete.h5")
        _ = try writeOldRun(file)
        let again = try CommandRunner.run(["simulate"] + old + ["--out", file])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("a complete run"), again.stderr)
        XCTAssertFalse(again.stderr.contains("--resume"), again.stderr)
    }

    func testOverwriteRefusesAFileThatIsNotARun() throws {
        let data = path("digits.csv"), link = path("link.h5")
        try "label,x1\n0,1\n".write(toFile: data, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: data)
        for out in [data, link] {
            let result = try CommandRunner.run(["simulate"] + old + ["--out", out, "--overwrite"])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertEqual(result.stderrLines, ["selfassemble: error: refusing to replace \(out): it is not an HDF5 file, so not a run (--overwrite replaces run files only, e.g. not a data file); choose another --out, or delete it yourself if it is to go"])
        }
        XCTAssertEqual(try String(contentsOfFile: data, encoding: .utf8), "label,x1\n0,1\n")
    }

    /// A copy of a partial replacement, resumed, renamed itself over the file the original
    /// replaces (through its `replaces` attribute), and the copy disappeared. Only FILE.partial
    /// replaces FILE; a copy completes in place under its own name, says so in one line, and
    /// leaves FILE and FILE.partial as they were.
    func testAResumedCopyOfAPartialRunCompletesInPlace() throws {
        let file = path("ow.h5"), partial = path("ow.h5.partial"), copy = path("moved.partial.h5")
        let before = try writeOldRun(file)
        let (status, _) = try CommandRunner.startAndSignal(["simulate"] + new + ["--out", file, "--overwrite"], signal: SIGKILL) {
            CommandRunner.snapshots(in: partial) >= 3
        }
        XCTAssertEqual(status, SIGKILL)
        try FileManager.default.copyItem(atPath: partial, toPath: copy)
        let partialBytes = try contents(partial)

        let resumed = try CommandRunner.run(["simulate", "--resume", copy, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(resumed.stderrLines, ["selfassemble: warning: \(copy) is a copy of a replacement of \(file) (only \(partial) replaces it): it completes in place as \(copy), and \(file) is left as it was"])
        XCTAssertEqual(try contents(file), before, "the old run is untouched")
        XCTAssertEqual(try contents(partial), partialBytes, "the partial run is untouched")
        XCTAssertTrue(try RunReader(path: copy).isComplete)
        XCTAssertEqual(try RunValidator.report(path: copy).warnings, [], "no 'replaces' attribute is left in the completed copy")
        let reference = path("reference.h5")
        XCTAssertEqual(try CommandRunner.run(["simulate"] + new + ["--out", reference]).status, 0)
        try assertSameRun(reference, copy)

        // The partial run itself still replaces its file.
        let original = try CommandRunner.run(["simulate", "--resume", partial, "--quiet"])
        XCTAssertEqual(original.status, 0, original.stderr)
        XCTAssertEqual(original.stderr, "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: partial))
        XCTAssertEqual(try RunReader(path: file).seed, 9)
    }

    /// --overwrite replaced any HDF5 file: a sweep's summary.h5 copied elsewhere, or a file made
    /// with h5py. Only a selfassemble run (root attribute format = "selfassemble-run") is
    /// replaced, and an empty file (what a creation on a full disk could leave).
    func testOverwriteRefusesAnHDF5FileThatIsNotARun() throws {
        let summary = path("summary.h5"), plain = path("plain.h5"), empty = path("empty.h5")
        try TableFile.write(path: summary, tables: [("summary", [("seed", .numbers([1, 2])), ("rule", .texts(["fa", "bp"]))])],
                            attributes: [("description", "a sweep's table")])
        let made = try PythonRunner.run("""
            import sys, h5py
            with h5py.File(sys.argv[1], "w") as f:
                f["x"] = [1.0, 2.0]
                f.attrs["format"] = "my-own-format"
            """, arguments: [plain])
        XCTAssertEqual(made.status, 0, made.stderr)
        for out in [summary, plain] {
            let before = try contents(out)
            let result = try CommandRunner.run(["simulate"] + old + ["--out", out, "--overwrite"])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertEqual(result.stderrLines, ["selfassemble: error: refusing to replace \(out): it is an HDF5 file but not a selfassemble run (no root attribute format = \"selfassemble-run\"; e.g. a sweep's summary.h5) (--overwrite replaces run files only); choose another --out, or delete it yourself if it is to go"])
            XCTAssertEqual(try contents(out), before, "left as it was")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".partial"))
        }
        FileManager.default.createFile(atPath: empty, contents: nil)
        let replaced = try CommandRunner.run(["simulate"] + old + ["--out", empty, "--overwrite"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertTrue(try RunReader(path: empty).isComplete)
        // A run file is still replaced.
        let again = try CommandRunner.run(["simulate"] + old + ["--seed", "8", "--out", empty, "--overwrite"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try RunReader(path: empty).seed, 8)
    }

    /// SIGINT: the message names the partial run to continue and says the old file is unchanged.
    func testAnInterruptedReplacementSaysWhereItsRunIs() throws {
        let file = path("run.h5"), partial = path("run.h5.partial")
        let before = try writeOldRun(file)
        let (status, stderr) = try CommandRunner.startAndSignal(["simulate"] + new + ["--out", file, "--overwrite"], signal: SIGINT) {
            CommandRunner.snapshots(in: partial) >= 2
        }
        XCTAssertEqual(status, 130, stderr)
        XCTAssertEqual(stderr.split(separator: "\n").count, 1, stderr)
        XCTAssertTrue(stderr.contains("\(partial) holds every snapshot up to step"), stderr)
        XCTAssertTrue(stderr.contains("continue with `selfassemble simulate --resume \(partial)`"), stderr)
        XCTAssertTrue(stderr.contains("\(file) is unchanged until the continued run completes"), stderr)
        XCTAssertEqual(try contents(file), before)
        XCTAssertEqual(try RunReader(path: partial).status, "interrupted")
    }

    /// A replacement that fails for want of room (here a file-size limit, which needs no root)
    /// leaves the old file, keeps the partial run, says so in one line, and the partial run
    /// is continued once there is room.
    func testAReplacementThatRunsOutOfRoomKeepsTheOldFileAndItsPartialRun() throws {
        let file = path("run.h5"), partial = path("run.h5.partial")
        let before = try writeOldRun(file)
        let limitKB = before.count / 1024 + 150
        let limited = try CommandRunner.runProcess(URL(fileURLWithPath: "/bin/sh"), [
            "-c", "ulimit -f \(limitKB * 2) && exec \"$0\" \"$@\"", CommandRunner.executable.path,
            "simulate"] + new + ["--out", file, "--overwrite"])
        XCTAssertEqual(limited.status, 1, limited.stderr)
        XCTAssertEqual(limited.stderrLines.count, 1, limited.stderr)
        let line = limited.stderr
        XCTAssertTrue(line.hasPrefix("selfassemble: error: file too large while writing snapshot "), line)
        XCTAssertTrue(line.contains(" of \(partial)"), line)
        XCTAssertTrue(line.contains("\(file) is unchanged; the new run's first "), line)
        XCTAssertTrue(line.contains("are kept in \(partial): continue it with `selfassemble simulate --resume \(partial)`"), line)
        XCTAssertFalse(line.contains("HDF5"), line)
        XCTAssertEqual(try contents(file), before)
        let report = try RunValidator.report(path: partial)
        XCTAssertEqual(report.errors, [])
        XCTAssertGreaterThan(report.snapshotCount ?? 0, 0)

        let resumed = try CommandRunner.run(["simulate", "--resume", partial, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: partial))
        XCTAssertEqual(try RunReader(path: file).seed, 9)
        XCTAssertTrue(try RunReader(path: file).isComplete)
    }
}
