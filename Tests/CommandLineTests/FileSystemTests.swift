import Foundation
import SelfAssembleStore
import XCTest

/// Issue 8: a full disk and a read-only directory. On a 100 KB tmpfs `simulate` used to print
/// about 90 lines of HDF5 diagnostics and crash (exit 139) in HDF5's exit-time cleanup of the
/// file whose flush had failed. Now: one line naming the problem, exit 1, no crash, no HDF5
/// output, and nothing a user had is lost. The file systems are mounted by the tests, which
/// needs root (CI runs as root); elsewhere they skip and say so.
final class FileSystemTests: XCTestCase {
    private var dir: URL!
    private var mounted: [String] = []

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }

    override func tearDownWithError() throws {
        for point in mounted.reversed() { _ = try? mount(["-l", point], program: "/bin/umount") }
        try? FileManager.default.removeItem(at: dir)
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @discardableResult
    private func mount(_ arguments: [String], program: String = "/bin/mount") throws -> CommandResult {
        try CommandRunner.runProcess(URL(fileURLWithPath: program), arguments)
    }

    /// A tmpfs of `size` (e.g. "100k") at a new directory `name`.
    private func tmpfs(_ name: String, size: String) throws -> String {
        let point = path(name)
        try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        let result = try mount(["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", point])
        guard result.status == 0 else {
            throw XCTSkip("mounting a \(size) tmpfs needs root (CI runs as root): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        mounted.append(point)
        return point
    }

    /// `source` again at a new directory `name`, read-only (a bind mount: root ignores
    /// permission bits, not a read-only mount).
    private func readOnlyView(of source: String, at name: String) throws -> String {
        let point = path(name)
        try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        let bound = try mount(["--bind", source, point])
        guard bound.status == 0 else {
            throw XCTSkip("a read-only bind mount needs root (CI runs as root): \(bound.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        mounted.append(point)
        let remounted = try mount(["-o", "remount,bind,ro", point])
        guard remounted.status == 0 else { throw XCTSkip("cannot make the bind mount read-only: \(remounted.stderr)") }
        return point
    }

    // eta_W 0.02: after so short a development learning at 0.1 runs away (simulate exits 3).
    private let small = ["--sizes", "12,16,8,4", "--development-steps", "60", "--descending-steps", "20", "--epochs", "1",
                         "--batch", "16", "--snapshot-every", "20", "--eta-w", "0.02", "--quiet"]
    private let long = ["--seed", "9", "--sizes", "12,16,8,4", "--development-steps", "1500", "--descending-steps", "500",
                        "--epochs", "4", "--batch", "16", "--snapshot-every", "10", "--quiet"]

    /// One line on stderr, exit 1, nothing from HDF5.
    private func assertOneLineFailure(_ result: CommandResult, starting prefix: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, "exit status (139 was the crash): \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix(prefix), result.stderr, file: file, line: line)
        XCTAssertFalse(result.stderr.contains("HDF5"), result.stderr, file: file, line: line)
    }

    func testANewRunOnAFullDiskFailsInOneLineAndLeavesNothing() throws {
        let disk = try tmpfs("disk", size: "100k")
        let file = disk + "/run.h5"
        let result = try CommandRunner.run(["simulate"] + small + ["--out", file])
        assertOneLineFailure(result, starting: "selfassemble: error: no space left on device while writing snapshot 0 of \(file)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), [], "no half-written file is left")
    }

    /// A disk with 0 bytes free: HDF5 cannot write its first bytes, and the failed creation
    /// left a 0-byte run file behind, said "refusing to overwrite the existing file" and made
    /// every later run refuse; compare printed Foundation's error dump. Now: one line naming the
    /// directory whose device is full and the fix, and nothing left behind.
    func testAFullDiskAtCreationLeavesNoFileAndSaysWhichDevice() throws {
        let disk = try tmpfs("disk", size: "64k")
        let filler = disk + "/filler"
        _ = try CommandRunner.runProcess(URL(fileURLWithPath: "/bin/dd"), ["if=/dev/zero", "of=" + filler, "bs=4k", "count=64"])
        let file = disk + "/run.h5"
        let result = try CommandRunner.run(["simulate"] + small + ["--out", file])
        assertOneLineFailure(result, starting: "selfassemble: error: no space left on the device holding \(disk): the run file \(file) could not be created")
        XCTAssertTrue(result.stderr.contains("free some space there, or choose an --out on another disk"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), ["filler"], "no empty run file is left")

        let compare = try CommandRunner.run(["compare"] + small.filter { $0 != "--quiet" } + ["--rules", "fa", "--seeds", "1", "--out", disk + "/cmp"])
        XCTAssertEqual(compare.status, 1, compare.stderr)
        XCTAssertEqual(compare.stderrLines, ["selfassemble: error: no space left on the device holding \(disk)/cmp: \(disk)/cmp/fa-seed1.yaml could not be written; free some space there, or choose an --out on another disk"])

        // With room again the same command runs: nothing of the failure is in its way.
        XCTAssertEqual(try mount(["-o", "remount,size=64m", disk]).status, 0)
        let again = try CommandRunner.run(["simulate"] + small + ["--out", file])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(try RunReader(path: file).isComplete)
    }

    /// A long new run that fills the disk keeps the snapshots it wrote (hours of a real run)
    /// and is continued by --resume once there is room.
    func testANewRunThatFillsTheDiskKeepsItsSnapshotsForResume() throws {
        let disk = try tmpfs("disk", size: "400k")
        let file = disk + "/run.h5"
        let full = try CommandRunner.run(["simulate"] + long + ["--out", file])
        assertOneLineFailure(full, starting: "selfassemble: error: no space left on device while writing snapshot ")
        XCTAssertTrue(full.stderr.contains("; the run's first "), full.stderr)
        XCTAssertTrue(full.stderr.contains("are kept in \(file): continue it with `selfassemble simulate --resume \(file)` once the cause is fixed"), full.stderr)
        let report = try RunValidator.report(path: file)
        XCTAssertEqual(report.errors, [])
        XCTAssertGreaterThan(report.snapshotCount ?? 0, 1)

        XCTAssertEqual(try mount(["-o", "remount,size=64m", disk]).status, 0)
        let resumed = try CommandRunner.run(["simulate", "--resume", file, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let reference = path("reference.h5")
        XCTAssertEqual(try CommandRunner.run(["simulate"] + long + ["--out", reference]).status, 0)
        try assertSameRun(reference, file)
    }

    /// The old run fills most of a small disk; its replacement stops when the disk is full,
    /// keeps its snapshots in the partial run, and finishes by --resume once there is room.
    func testAReplacementOnAFullDiskKeepsTheOldFileAndContinuesLater() throws {
        let disk = try tmpfs("disk", size: "1m")
        let file = disk + "/run.h5", partial = file + ".partial"
        XCTAssertEqual(try CommandRunner.run(["simulate"] + small + ["--out", file]).status, 0)
        let before = try contents(file)

        let full = try CommandRunner.run(["simulate"] + long + ["--out", file, "--overwrite"])
        assertOneLineFailure(full, starting: "selfassemble: error: no space left on device while writing snapshot ")
        XCTAssertTrue(full.stderr.contains(" of \(partial) "), full.stderr)
        XCTAssertTrue(full.stderr.contains("\(file) is unchanged; the new run's first "), full.stderr)
        XCTAssertTrue(full.stderr.contains("continue it with `selfassemble simulate --resume \(partial)`"), full.stderr)
        XCTAssertEqual(try contents(file), before, "the old run is untouched")
        let report = try RunValidator.report(path: partial)
        XCTAssertEqual(report.errors, [])
        XCTAssertGreaterThan(report.snapshotCount ?? 0, 0)

        // Still full: continuing fails the same way and keeps what it has.
        let stillFull = try CommandRunner.run(["simulate", "--resume", partial, "--quiet"])
        assertOneLineFailure(stillFull, starting: "selfassemble: error: no space left on device while writing snapshot ")
        XCTAssertEqual(try RunValidator.report(path: partial).errors, [])

        XCTAssertEqual(try mount(["-o", "remount,size=64m", disk]).status, 0)
        let resumed = try CommandRunner.run(["simulate", "--resume", partial, "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: partial))
        let reader = try RunReader(path: file)
        XCTAssertEqual(reader.seed, 9)
        XCTAssertTrue(reader.isComplete)
    }

    /// A report that does not fit leaves nothing of itself (it left report.md linking figures
    /// that were never written) and names the reason in the system's words.
    func testAReportOnAFullDiskWritesNothing() throws {
        let file = path("run.h5")
        XCTAssertEqual(try CommandRunner.run(["simulate"] + small + ["--out", file]).status, 0)
        let disk = try tmpfs("disk", size: "60k")
        let result = try CommandRunner.run(["report", file, "--out", disk + "/report"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("(no space left on device)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("nothing of the report was written"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: disk + "/report"), "the directory the report created is removed")
    }

    func testAReadOnlyDirectory() throws {
        let writable = path("writable")
        try FileManager.default.createDirectory(atPath: writable, withIntermediateDirectories: true)
        XCTAssertEqual(try CommandRunner.run(["simulate"] + small + ["--out", writable + "/old.h5"]).status, 0)
        let interrupted = writable + "/interrupted.h5"
        let (status, _) = try CommandRunner.startAndSignal(["simulate"] + long + ["--out", interrupted], signal: SIGINT) {
            CommandRunner.snapshots(in: interrupted) >= 2
        }
        XCTAssertEqual(status, 130)
        let readOnly = try readOnlyView(of: writable, at: "read-only")
        let old = try contents(readOnly + "/old.h5"), stopped = try contents(readOnly + "/interrupted.h5")

        let fresh = try CommandRunner.run(["simulate"] + small + ["--out", readOnly + "/new.h5"])
        assertOneLineFailure(fresh, starting: "selfassemble: error: cannot create the run file \(readOnly)/new.h5: the directory \(readOnly) is not writable")
        let replace = try CommandRunner.run(["simulate"] + small + ["--seed", "9", "--out", readOnly + "/old.h5", "--overwrite"])
        assertOneLineFailure(replace, starting: "selfassemble: error: cannot create the run file \(readOnly)/old.h5: the directory \(readOnly) is not writable")
        let resume = try CommandRunner.run(["simulate", "--resume", readOnly + "/interrupted.h5", "--quiet"])
        assertOneLineFailure(resume, starting: "selfassemble: error: cannot continue \(readOnly)/interrupted.h5: ")

        XCTAssertEqual(try contents(readOnly + "/old.h5"), old)
        XCTAssertEqual(try contents(readOnly + "/interrupted.h5"), stopped)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: readOnly)), ["old.h5", "interrupted.h5"])
    }
}
