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

    func testBadRuleNamesAndValuesGetOneLineListingTheValidOnes() throws {
        for (arguments, words) in [(["--rules", "bp,hebb"], ["hebb", "fa", "kolen-pollack", "circuit"]),
                                   (["--rates", "fa=fast"], ["--rates", "fa=fast", "rule=value"]),
                                   (["--rule", "fa"], ["--rules"]),
                                   (["--jobs", "0"], ["--jobs"])] {
            let result = try CommandRunner.run(["compare", "--out", dir.appendingPathComponent("x").path] + arguments + small, in: dir)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "'\(word)' in \(result.stderr)") }
        }
        let result = try CommandRunner.run(["simulate", "--rule", "hebb"], in: dir)
        XCTAssertEqual(result.stderrLines.count, 1)
        XCTAssertTrue(result.stderr.contains("usf, brsf, frsf, kolen-pollack"), result.stderr)
    }
}
