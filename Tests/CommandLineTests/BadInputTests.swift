import Foundation
import XCTest

/// Acceptance 5 of the engine: bad input gives one clear line on stderr, a non-zero exit,
/// and no half-written HDF5 file.
final class BadInputTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func assertRejected(_ arguments: [String], mentions words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let out = dir.appendingPathComponent("out.h5")
        let result = try CommandRunner.run(["simulate", "--out", out.path, "--development-steps", "5", "--descending-steps", "2", "--epochs", "1"] + arguments, in: dir)
        XCTAssertNotEqual(result.status, 0, "exit status for \(arguments)", file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "one line on stderr for \(arguments): \(result.stderr)", file: file, line: line)
        for word in words {
            XCTAssertTrue(result.stderr.contains(word), "'\(word)' in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "no output file for \(arguments)", file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".h5") }, [],
                       file: file, line: line)
    }

    /// README's rule for exit codes, one case per command: a value wrong whatever the file
    /// system holds is 64 (a thread count this OpenBLAS cannot run, a step that is not a
    /// number, a negative threshold or snapshot index), a path the file system refuses is 1
    /// (an --out whose directory is missing or cannot be made, or a file where a directory is wanted), the same
    /// for simulate, compare and sweep. (--threads 1000 and export's bad values used to exit 1,
    /// compare's and sweep's missing --out directory 64.)
    func testExitCodesFollowReadmesRule() throws {
        let run = dir.appendingPathComponent("run.h5").path
        let made = try CommandRunner.run(["simulate", "--quiet", "--out", run, "--sizes", "8,6,4", "--epochs", "1",
                                          "--development-steps", "2", "--descending-steps", "2"], in: dir)
        XCTAssertEqual(made.status, 0, made.stderr)
        let missing = dir.appendingPathComponent("no-such-directory").path
        try Data("a file".utf8).write(to: dir.appendingPathComponent("plain"))
        let small = ["--sizes", "8,6,4", "--epochs", "1"]
        let cases: [(arguments: [String], status: Int32, words: [String])] = [
            (["simulate", "--threads", "1000", "--out", "t.h5"] + small, 64, ["--threads 1000", "use 1 to"]),
            (["compare", "--rules", "fa", "--seeds", "1", "--threads", "1000", "--out", "tc"] + small, 64, ["--threads 1000"]),
            (["export", run, "ex", "--step", "abc"], 64, ["--step", "'abc'"]),
            (["export", run, "ex", "--step", "last", "--threshold", "-1"], 64, ["--threshold", ">= 0"]),
            (["export", run, "ex", "--snapshot-index", "-1"], 64, ["--snapshot-index", ">= 0"]),
            (["simulate", "--out", missing + "/r.h5"] + small, 1, [missing, "does not exist"]),
            (["compare", "--rules", "fa", "--seeds", "1", "--out", "plain/c"] + small, 1, ["cannot create the directory"]),
            (["sweep", "--connectome", "default", "--grid", "epochs=1", "--out", dir.appendingPathComponent("plain/s").path], 1, ["cannot create the directory"]),
            (["compare", "--rules", "fa", "--seeds", "1", "--out", "plain"] + small, 1, ["plain is a file"]),
        ]
        for c in cases {
            let result = try CommandRunner.run(c.arguments, in: dir)
            XCTAssertEqual(result.status, c.status, "\(c.arguments): \(result.stderr)")
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            for word in c.words { XCTAssertTrue(result.stderr.contains(word), "'\(word)' in \(result.stderr)") }
        }
        for name in ["t.h5", "tc", "ex"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name) was not written")
        }
    }

    func testUnknownOption() throws {
        try assertRejected(["--no-such-option"], mentions: ["--no-such-option", "--help"])
    }

    func testSizesThatAreNotPositiveIntegers() throws {
        try assertRejected(["--sizes", "64,abc,10"], mentions: ["--sizes", "abc"])
        try assertRejected(["--sizes", "64,0,10"], mentions: ["sizes", "positive"])
        try assertRejected(["--sizes", "64,-3,10"], mentions: ["sizes", "-3"])
        try assertRejected(["--sizes", "64,1.5,10"], mentions: ["--sizes", "1.5"])
        try assertRejected(["--sizes", "64"], mentions: ["sizes", "two"])
    }

    func testRatioBelowOne() throws {
        try assertRejected(["--ratio", "0.5"], mentions: ["ratio", ">= 1"])
    }

    func testOtherBadNumbers() throws {
        try assertRejected(["--batch", "0"], mentions: ["batch"])
        try assertRejected(["--eta-w", "-1"], mentions: ["eta-w"])
        try assertRejected(["--rule", "hebb"], mentions: ["--rule", "circuit", "bp"])
        try assertRejected(["--plastic", "W,X"], mentions: ["--plastic", "X"])
    }

    /// Negative numbers are values to refuse with a reason, not "Missing value" followed by an
    /// unknown option "-1".
    func testNegativeNumbersAreRefusedWithTheirReason() throws {
        try assertRejected(["--seed", "-1"], mentions: ["'-1'", "--seed", "0 to 18446744073709551615"])
        try assertRejected(["--eta-w", "-0.1"], mentions: ["eta-w", ">= 0", "-0.1"])
        try assertRejected(["--batch", "-5"], mentions: ["batch", "positive", "-5"])
        try assertRejected(["--ratio", "-1"], mentions: ["ratio", ">= 1", "-1"])
    }

    /// The same for the other commands' options that take numbers.
    func testNegativeNumbersOfTheOtherCommands() throws {
        for (arguments, fragment) in [
            (["compare", "--seeds", "-1", "--out", dir.appendingPathComponent("c").path], "'-1' in '-1' is not one"),
            (["sweep", "--connectome", "default", "--grid", "seed=1", "--out", dir.appendingPathComponent("s").path, "--jobs", "-1"], "--jobs must be a positive integer, got -1"),
        ] {
            let result = try CommandRunner.run(arguments, in: dir)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(fragment), result.stderr)
            XCTAssertFalse(result.stderr.contains("Missing value"), result.stderr)
        }
    }

    /// More threads than OpenBLAS was built for would run with fewer than the run file records.
    func testMoreThreadsThanOpenBLASCanRun() throws {
        try assertRejected(["--threads", "100000"], mentions: ["--threads 100000", "at most", "MAX_THREADS", "use 1 to"])
    }

    /// A mistyped ratio or size is refused with the memory it would need, not a runtime abort.
    func testACircuitTooLargeForTheMachine() throws {
        try assertRejected(["--ratio", "1e9"], mentions: ["synapses", "TB of memory", "more than this machine's", "--ratio"])
        try assertRejected(["--sizes", "64,100000000,10"], mentions: ["synapses", "choose smaller --sizes or --ratio"])
    }

    func testMissingDataFile() throws {
        try assertRejected(["--data", dir.appendingPathComponent("nowhere.csv").path], mentions: ["nowhere.csv"])
    }

    func testMalformedDataFile() throws {
        let csv = dir.appendingPathComponent("bad.csv")
        try "label,a,b\n1,0.5,0.25\n2,oops,1\n".write(to: csv, atomically: true, encoding: .utf8)
        try assertRejected(["--data", csv.path, "--sizes", "2,4,3"], mentions: ["bad.csv", "line 3"])
    }

    func testDataThatDoNotFitTheSizes() throws {
        let csv = dir.appendingPathComponent("small.csv")
        let rows = (0..<40).map { i in "\(i % 3),\(Double(i) / 40),\(Double(40 - i) / 40)" }
        try (["label,a,b"] + rows).joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        try assertRejected(["--data", csv.path, "--sizes", "5,4,3", "--batch", "8"], mentions: ["features", "--sizes"])
    }

    func testLabelsCountedFromOneAreRejectedWhateverTheOutputSize() throws {
        let csv = dir.appendingPathComponent("from-one.csv")
        let rows = (0..<60).map { i in "\(i % 3 + 1),\(Double(i) / 60),\(Double(60 - i) / 60)" }
        try (["label,a,b"] + rows).joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        for classes in ["3", "4", "10"] {
            try assertRejected(["--data", csv.path, "--sizes", "2,4,\(classes)", "--batch", "8"],
                               mentions: ["from-one.csv", "class 0 has no sample in the training split", "subtract 1"])
        }
    }

    func testIDXLabelsOneToTenAreRejected() throws {
        let idx = dir.appendingPathComponent("idx")
        try FileManager.default.createDirectory(at: idx, withIntermediateDirectories: true)
        try CommandRunner.idx([40, 2, 2], [UInt8](repeating: 9, count: 160)).write(to: idx.appendingPathComponent("train-images-idx3-ubyte"))
        try CommandRunner.idx([40], (0..<40).map { UInt8($0 % 10 + 1) }).write(to: idx.appendingPathComponent("train-labels-idx1-ubyte"))
        try CommandRunner.idx([10, 2, 2], [UInt8](repeating: 9, count: 40)).write(to: idx.appendingPathComponent("t10k-images-idx3-ubyte"))
        try CommandRunner.idx([10], (0..<10).map { UInt8($0 + 1) }).write(to: idx.appendingPathComponent("t10k-labels-idx1-ubyte"))
        try assertRejected(["--data", idx.path, "--sizes", "4,8,11", "--batch", "8"],
                           mentions: ["train-labels-idx1-ubyte", "class 0 has no sample", "subtract 1"])
    }

    func testOneClassOnlyIsRejected() throws {
        let csv = dir.appendingPathComponent("sevens.csv")
        let rows = (0..<40).map { i in "7,\(Double(i) / 40),1" }
        try (["label,a,b"] + rows).joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        for classes in ["8", "1"] {
            try assertRejected(["--data", csv.path, "--sizes", "2,4,\(classes)", "--batch", "8"], mentions: ["sevens.csv", "one class only (label 7)"])
        }
        try assertRejected(["--sizes", "8,4,1", "--batch", "8"], mentions: ["one class only"])
    }

    func testUnknownNormalization() throws {
        try assertRejected(["--normalize", "standard"], mentions: ["--normalize", "zscore", "minmax", "none"])
    }

    func testUnwritableOutputPath() throws {
        let result = try CommandRunner.run(["simulate", "--out", "/nonexistent-dir/run.h5", "--development-steps", "5", "--descending-steps", "2", "--epochs", "1"], in: dir)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("/nonexistent-dir/run.h5"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/nonexistent-dir/run.h5"))
    }

    /// An unknown command says it is unknown and lists the commands (it used to point at
    /// `selfassemble bogus --help`); a usage error exits 64.
    func testAnUnknownCommandListsTheCommands() throws {
        let result = try CommandRunner.run(["bogus"], in: dir)
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(result.stderrLines, ["selfassemble: error: 'bogus' is not a selfassemble command; the commands are: simulate, compare, sweep, collect, inspect, validate, export, report, connectomes, doctor (see 'selfassemble --help')"])
        let option = try CommandRunner.run(["--bogus"], in: dir)
        XCTAssertEqual(option.status, 64)
        XCTAssertFalse(option.stderr.contains("is not a selfassemble command"), option.stderr)
    }

    /// A Slurm option value that starts with '-' is a value to refuse with its reason, as the
    /// numeric options do (`--mem -4G` used to be "Missing value").
    func testSlurmOptionValuesStartingWithADashGetTheirReason() throws {
        for (arguments, words) in [(["--mem", "-4G"], ["--mem must be a Slurm memory size", "'-4G'"]),
                                   (["--time", "-1"], ["--time must be a Slurm time limit", "'-1'"]),
                                   (["--partition", "-p x"], ["--partition must be a Slurm partition name", "'-p x'"])] {
            let result = try CommandRunner.run(["sweep", "--connectome", "default", "--emit", "slurm", "--out", dir.appendingPathComponent("s").path] + arguments, in: dir)
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "'\(word)' in \(result.stderr)") }
            XCTAssertFalse(result.stderr.contains("Missing value"), result.stderr)
        }
    }
}
