import Foundation
import SelfAssembleStore
import XCTest

/// `selfassemble compare`: every rule on the same data and seeds, one table in three formats,
/// the run files kept, complete runs not run again, bad names rejected in one line.
final class CompareCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private let small = ["--sizes", "64,16,10", "--epochs", "2", "--development-steps", "30", "--descending-steps", "20",
                         "--snapshot-every", "25"]

    /// A complete run is kept only while its data are those it ran on: after the CSV file is
    /// edited (every value changed, same shape), the next compare runs it again and replaces
    /// it, with one line saying why, in this process and as a child; unchanged data keep it.
    func testACompleteRunWhoseDataChangedIsRunAgain() throws {
        let csv = dir.appendingPathComponent("data.csv")
        func writeData(offset: Double) throws {
            var rows = [String]()
            for i in 0..<60 {
                var fields = ["\(i % 3)"]
                for j in 0..<4 {
                    let value: Double = Double((i * 7 + j * 3) % 11) / 10 + offset
                    fields.append(String(value))
                }
                rows.append(fields.joined(separator: ","))
            }
            try (["label,a,b,c,d"] + rows).joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        }
        for jobs in ["1", "2"] {
            try writeData(offset: 0)
            let out = dir.appendingPathComponent("stale-\(jobs)")
            let arguments = ["compare", "--rules", "fa", "--seeds", "1", "--data", csv.path, "--sizes", "4,6,3", "--epochs", "1",
                             "--out", out.path, "--jobs", jobs]
            let first = try CommandRunner.run(arguments)
            XCTAssertEqual(first.status, 0, first.stderr)
            let file = out.appendingPathComponent("fa-seed1.h5").path
            func fingerprint() throws -> String? {
                let reader = try RunReader(path: file)
                return try reader.checkpoint(snapshot: reader.snapshotCount - 1).dataFingerprint
            }
            let before = try XCTUnwrap(try fingerprint())
            let same = try CommandRunner.run(arguments)
            XCTAssertTrue(same.stderr.contains("fa seed 1: kept \(file) (complete)"), same.stderr)

            try writeData(offset: 0.5)
            let again = try CommandRunner.run(arguments)
            XCTAssertEqual(again.status, 0, again.stderr)
            XCTAssertFalse(again.stderr.contains("kept"), again.stderr)
            let line = try XCTUnwrap(again.stderrLines.first { $0.contains("fa seed 1: running it again, replacing \(file) once done: the data at \(csv.path) have changed since it was run") }, again.stderr)
            XCTAssertTrue(line.contains(before), line)
            XCTAssertTrue(try RunReader(path: file).isComplete)
            XCTAssertNotEqual(try fingerprint(), before, "the file now holds the run on the current data")
        }
    }

    func testComparesRulesOnIdenticalInputsAndKeepsCompleteRuns() throws {
        let digits = try CommandRunner.digitsDirectory()
        let out = dir.appendingPathComponent("cmp")
        let arguments = ["compare", "--rules", "bp,fa,dfa,usf,kolen-pollack,circuit", "--seeds", "1,2", "--data", digits.path,
                         "--out", out.path, "--jobs", "2", "--rates", "fa=0.05"] + small
        let result = try CommandRunner.run(arguments, in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let table = try String(contentsOf: out.appendingPathComponent("comparison.md"), encoding: .utf8)
        let rows = table.split(separator: "\n").dropFirst(2)
        XCTAssertEqual(rows.map { $0.split(separator: "|")[0].trimmingCharacters(in: .whitespaces) },
                       ["bp", "fa", "dfa", "usf", "kolen-pollack", "circuit"], "bp first, then the order given")
        XCTAssertTrue(rows.first { $0.hasPrefix("| fa |") }!.hasPrefix("| fa | 0.05 |"), "the per-rule rate is used and shown")
        XCTAssertTrue(result.stdout.contains(table), "the table is printed")
        let csv = try String(contentsOf: out.appendingPathComponent("comparison.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + 12, "one line per run")
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("comparison.svg"), encoding: .utf8).contains("<svg"))
        // Identical initial weights: W_1 of every non-circuit rule's first snapshot is the same.
        var first: [Float]? = nil
        for rule in ["bp", "fa", "dfa", "usf", "kolen-pollack"] {
            let reader = try RunReader(path: out.appendingPathComponent("\(rule)-seed1.h5").path)
            XCTAssertTrue(reader.isComplete)
            let w = try reader.weights("W_1", snapshot: 0).values
            if let first { XCTAssertEqual(w, first, rule) } else { first = w }
        }
        // bp's own update is the gradient: its cosine with bp is 1 at every level.
        XCTAssertTrue(rows.first!.contains("1.00 → 1.00"))
        // Run again: every complete run is kept, not run again.
        let again = try CommandRunner.run(arguments, in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stderrLines.filter { $0.contains("kept") }.count, 12, again.stderr)
    }

    /// A relative --data is relative to the working directory, also for the child runs of --jobs,
    /// which read the definition written beside their run file in --out.
    func testRelativeDataPathReachesChildRuns() throws {
        let digits = try CommandRunner.digitsDirectory()
        let work = dir.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: work.appendingPathComponent("digits"), withDestinationURL: digits)
        let out = dir.appendingPathComponent("elsewhere/cmp")
        let result = try CommandRunner.run(["compare", "--rules", "bp,dtp", "--seeds", "1", "--data", "digits", "--out", out.path,
                                            "--jobs", "2"] + small, in: work)
        XCTAssertEqual(result.status, 0, result.stderr)
        let definition = try String(contentsOf: out.appendingPathComponent("dtp-seed1.yaml"), encoding: .utf8)
        XCTAssertTrue(definition.contains(work.appendingPathComponent("digits").standardizedFileURL.path), definition)
    }

    func testBadRuleNamesAndValuesGetOneLineListingTheValidOnes() throws {
        for (arguments, words) in [(["--rules", "bp,hebb"], ["hebb", "fa", "kolen-pollack", "gait-prop", "dtp-skip", "circuit"]),
                                   (["--rates", "fa=fast"], ["--rates", "fa=fast", "rule=value"]),
                                   (["--rule", "fa"], ["--rules"]),
                                   (["--jobs", "0"], ["--jobs"]),
                                   (["--seeds", "1,2,1"], ["--seeds", "1", "twice"]),
                                   (["--rules", "bp,fa,bp"], ["--rules", "bp", "twice"]),
                                   // A per-rule value of a rule not compared, or given twice, is not silently dropped or overridden.
                                   (["--rules", "fa", "--rates", "dfa=0.1"], ["--rates sets dfa, which --rules does not compare (fa)", "add dfa to --rules or drop dfa=0.1"]),
                                   (["--rules", "fa", "--rates", "fa=0.1,fa=0.2"], ["--rates sets fa twice in 'fa=0.1,fa=0.2'"]),
                                   (["--rules", "fa,bp", "--decays", "kolen-pollack=1e-3"], ["--decays sets kolen-pollack, which --rules does not compare (fa,bp)"]),
                                   (["--rules", "fa", "--decays", "fa=0,fa=0"], ["--decays sets fa twice"])] {
            let result = try CommandRunner.run(["compare", "--out", dir.appendingPathComponent("x").path] + arguments + small, in: dir)
            XCTAssertNotEqual(result.status, 0)
            if arguments.contains("--rates") || arguments.contains("--decays") { XCTAssertEqual(result.status, 64, result.stderr) }
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path), "nothing written: \(arguments)")
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "'\(word)' in \(result.stderr)") }
        }
        let result = try CommandRunner.run(["simulate", "--rule", "hebb"], in: dir)
        XCTAssertEqual(result.stderrLines.count, 1)
        XCTAssertTrue(result.stderr.contains("usf, brsf, frsf, kolen-pollack, gait-prop, dtp, dtp-skip"), result.stderr)
    }

    /// Started through PATH (argv[0] a bare name, resolved from another directory) and a
    /// symlink, the child runs of --jobs are still this executable.
    func testJobsRunTheRealExecutableWhenStartedThroughPathAndASymlink() throws {
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("selfassemble"),
                                                   withDestinationURL: CommandRunner.executable)
        let result = try CommandRunner.runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                                  ["PATH=\(bin.path):/usr/bin:/bin", "selfassemble", "compare", "--rules", "bp,fa",
                                                   "--seeds", "1", "--jobs", "2", "--out", "cj"] + small, in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        for rule in ["bp", "fa"] {
            XCTAssertTrue(try RunReader(path: dir.appendingPathComponent("cj/\(rule)-seed1.h5").path).isComplete, rule)
        }
    }

    /// A run that fails leaves no definitions of runs that never wrote a file, and says so in one line.
    func testAFailedRunLeavesNoDefinitionsBehind() throws {
        let csv = dir.appendingPathComponent("bad.csv")
        try "label,a,b\n1,2\n".write(to: csv, atomically: true, encoding: .utf8)
        for jobs in ["1", "2"] {
            let out = dir.appendingPathComponent("failed-\(jobs)")
            let result = try CommandRunner.run(["compare", "--rules", "bp,fa", "--seeds", "1", "--jobs", jobs, "--data", csv.path,
                                                "--out", out.path] + small, in: dir)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertEqual(result.stderrLines.filter { !$0.hasPrefix("compare: ") }.count, 1, result.stderr)
            let left = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
            XCTAssertEqual(left, [], "jobs \(jobs): \(left)")
        }
    }

    // kolen-pollack: a continued run needs its learned feedback from the file.
    private let long = ["--rules", "bp,kolen-pollack", "--seeds", "1", "--sizes", "64,32,10", "--epochs", "60", "--development-steps", "0",
                        "--descending-steps", "0", "--snapshot-every", "50"]

    /// Starts `compare` with `long` into `out` and sends `signal` a second after the first run file appeared.
    private func interruptedCompare(out: URL, jobs: String, signal: Int32) throws -> (status: Int32, stderr: String) {
        let first = out.appendingPathComponent("bp-seed1.h5").path
        var seen: Date? = nil
        return try CommandRunner.startAndSignal(["compare", "--jobs", jobs, "--out", out.path] + long, signal: signal) {
            if seen == nil, FileManager.default.fileExists(atPath: first) { seen = Date() }
            return seen.map { Date().timeIntervalSince($0) > 1.0 } ?? false
        }
    }

    /// SIGINT and SIGTERM reach the child runs: they stop after a snapshot, and the command
    /// exits 130 or 143 with a last line naming them and saying that the same compare continues them.
    func testSignalsStopEveryRunUnderWayAndNameThem() throws {
        for (signal, code, jobs) in [(SIGINT, Int32(130), "2"), (SIGTERM, Int32(143), "1")] {
            let out = dir.appendingPathComponent("signal-\(signal)")
            let (status, stderr) = try interruptedCompare(out: out, jobs: jobs, signal: signal)
            XCTAssertEqual(status, code, stderr)
            let last = stderr.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertTrue(last.contains("bp seed 1") && last.contains("interrupted") && last.contains("same `selfassemble compare`"), stderr)
            XCTAssertEqual(try RunReader(path: out.appendingPathComponent("bp-seed1.h5").path).status, "interrupted")
            if jobs == "2" {
                XCTAssertTrue(last.contains("kolen-pollack seed 1"), stderr)
                XCTAssertEqual(try RunReader(path: out.appendingPathComponent("kolen-pollack-seed1.h5").path).status, "interrupted")
                XCTAssertFalse(last.contains("not started"), stderr)
            } else {
                // The run waiting for its turn has no file: it is not called interrupted.
                XCTAssertTrue(last.contains("bp seed 1 stopped after its last snapshot and is marked interrupted; 1 run waiting for a turn was not started (no run file)"), stderr)
                XCTAssertFalse(last.contains("kolen-pollack seed 1"), stderr)
                XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("kolen-pollack-seed1.h5").path))
            }
        }
    }

    /// Running an interrupted compare again continues its incomplete runs from their last
    /// snapshot (`simulate --resume`), in child processes or in this one, and gives the same
    /// files as a compare never interrupted.
    func testTheSameCompareContinuesInterruptedRuns() throws {
        let reference = dir.appendingPathComponent("reference")
        XCTAssertEqual(try CommandRunner.run(["compare", "--out", reference.path] + long, in: dir).status, 0)
        for jobs in ["2", "1"] {
            let out = dir.appendingPathComponent("continued-\(jobs)")
            let (status, stderr) = try interruptedCompare(out: out, jobs: jobs, signal: SIGINT)
            XCTAssertEqual(status, 130, stderr)
            let again = try CommandRunner.run(["compare", "--jobs", jobs, "--out", out.path] + long, in: dir)
            XCTAssertEqual(again.status, 0, again.stderr)
            XCTAssertTrue(again.stderrLines.contains { $0.contains("bp seed 1") && $0.contains("continuing") }, again.stderr)
            if jobs == "2" {
                // Both ran at once, so both were interrupted: Kolen-Pollack continues with its learned B_l from the file.
                XCTAssertTrue(again.stderrLines.contains { $0.contains("kolen-pollack seed 1") && $0.contains("continuing") }, again.stderr)
            }
            for rule in ["bp", "kolen-pollack"] {
                let file = out.appendingPathComponent("\(rule)-seed1.h5").path
                XCTAssertFalse(FileManager.default.fileExists(atPath: file + ".partial"))
                try assertSameRun(reference.appendingPathComponent("\(rule)-seed1.h5").path, file)
                try assertSameDatasets(reference.appendingPathComponent("\(rule)-seed1.h5").path, file)
            }
        }
    }

    func testAnOutputThatIsAFileGetsOneLine() throws {
        let file = dir.appendingPathComponent("run-seed7.h5")
        try Data("kept".utf8).write(to: file)
        let result = try CommandRunner.run(["compare", "--rules", "bp", "--seeds", "1", "--out", file.path] + small, in: dir)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains(file.path) && result.stderr.contains("directory"), result.stderr)
        XCTAssertEqual(try Data(contentsOf: file), Data("kept".utf8))
    }

    func testHelpListsOnlyOptionsCompareTakes() throws {
        let help = try CommandRunner.run(["compare", "--help"], in: dir).stdout
        XCTAssertTrue(help.contains("--seeds") && help.contains("--rules") && help.contains("--eta-w"), help)
        XCTAssertFalse(help.contains("--seed ") || help.contains("--rule "), help)
        let simulate = try CommandRunner.run(["simulate", "--help"], in: dir).stdout
        XCTAssertTrue(simulate.contains("--seed ") && simulate.contains("--rule "), simulate)
    }

    /// With one seed the table gives the accuracy alone (it used to print "± 0.0000"), in the
    /// Markdown file and on stdout.
    func testOneSeedGivesTheAccuracyWithoutASpread() throws {
        let out = dir.appendingPathComponent("one-seed")
        let result = try CommandRunner.run(["compare", "--rules", "bp", "--seeds", "1", "--sizes", "16,20,8", "--epochs", "1",
                                            "--out", out.path], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let accuracy = String(format: "%.4f", try XCTUnwrap(try RunReader(path: out.appendingPathComponent("bp-seed1.h5").path).summary()).finalTestAccuracy)
        let row = try XCTUnwrap(result.stdoutLines.first { $0.hasPrefix("| bp |") }, result.stdout)
        XCTAssertTrue(row.contains("| \(accuracy) | \(accuracy) |"), "mean alone, then the one seed: \(row)")
        XCTAssertFalse(row.contains("±"), row)
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("comparison.md"), encoding: .utf8).contains(row))
    }

    /// A run that fails in a child process is one line with the child's own error once (the
    /// "selfassemble: error: " prefix used to be doubled).
    func testAChildRunsFailureIsOneLineWithOnePrefix() throws {
        let out = dir.appendingPathComponent("failing")
        // A directory where the run file goes: the child cannot create the file.
        try FileManager.default.createDirectory(at: out.appendingPathComponent("fa-seed1.h5"), withIntermediateDirectories: true)
        let result = try CommandRunner.run(["compare", "--rules", "fa", "--seeds", "1", "--jobs", "2", "--sizes", "16,20,8", "--epochs", "1",
                                            "--out", out.path], in: dir)
        XCTAssertEqual(result.status, 1, result.stderr)
        let last = try XCTUnwrap(result.stderrLines.last)
        XCTAssertTrue(last.hasPrefix("selfassemble: error: fa seed 1 failed: cannot create the run file "), last)
        XCTAssertEqual(last.components(separatedBy: "selfassemble: error: ").count - 1, 1, last)
    }
}
