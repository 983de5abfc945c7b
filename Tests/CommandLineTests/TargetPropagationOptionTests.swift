import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// The target-propagation rules' own hyperparameters as options (`--target-step`,
/// `--inverse-noise`, `--inverse-rate`, `--orthogonality`) and connectome fields: a bad value is
/// one line and exit 64 with nothing written; a value reaches the rules that use it and no other
/// (which warn that it is ignored); it is stored in the run's configuration and definition and
/// shown in compare's table.
final class TargetPropagationOptionTests: XCTestCase {
    private let small = ["--sizes", "16,24,12,5", "--batch", "16", "--epochs", "2", "--snapshot-every", "50"]
    private var dir: URL!

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func testBadValuesGetOneLineAndNoOutput() throws {
        let cases: [(option: String, value: String, words: [String])] = [
            ("--target-step", "0", ["target-step", "> 0"]), ("--target-step", "-0.2", ["target-step"]),
            ("--target-step", "nan", ["target-step", "finite"]), ("--target-step", "1e5", ["target-step", "at most 10", "small step"]),
            ("--target-step", "10.5", ["target-step", "at most 10"]), ("--inverse-noise", "-0.1", ["inverse-noise", ">= 0"]),
            ("--inverse-rate", "0", ["inverse-rate", "> 0"]), ("--inverse-rate", "inf", ["inverse-rate", "finite"]),
            ("--orthogonality", "-1e-3", ["orthogonality", ">= 0"]),
        ]
        for c in cases {
            for command in [["simulate", "--rule", "dtp", "--out", path("bad.h5")], ["compare", "--rules", "dtp", "--seeds", "1", "--out", path("bad")]] {
                let result = try CommandRunner.run(command + small + [c.option, c.value], in: dir)
                XCTAssertEqual(result.status, 64, "\(command[0]) \(c.option) \(c.value): \(result.stderr)")
                XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
                for word in c.words { XCTAssertTrue(result.stderr.contains(word), "'\(word)' in \(result.stderr)") }
                XCTAssertFalse(FileManager.default.fileExists(atPath: path("bad.h5")))
                XCTAssertFalse(FileManager.default.fileExists(atPath: path("bad")), "compare made no directory")
            }
        }
        // A connectome file's field is named by its path.
        let yaml = path("bad.yaml")
        try "levels: [{size: 24}, {size: 12}, {size: 5}]\ninput: 16\nlearning: {rule: dtp, target_step: 0}\n".write(toFile: yaml, atomically: true, encoding: .utf8)
        let file = try CommandRunner.run(["simulate", "--connectome", yaml, "--out", path("bad.h5")], in: dir)
        XCTAssertNotEqual(file.status, 0)
        XCTAssertEqual(file.stderrLines.count, 1, file.stderr)
        XCTAssertTrue(file.stderr.contains("learning.target_step"), file.stderr)
        // So is one past the largest beta, with the reason.
        try "levels: [{size: 24}, {size: 12}, {size: 5}]\ninput: 16\nlearning: {rule: dtp, target_step: 1e38}\n".write(toFile: yaml, atomically: true, encoding: .utf8)
        let huge = try CommandRunner.run(["simulate", "--connectome", yaml, "--out", path("bad.h5")], in: dir)
        XCTAssertNotEqual(huge.status, 0)
        XCTAssertEqual(huge.stderrLines.count, 1, huge.stderr)
        XCTAssertTrue(huge.stderr.contains("learning.target_step") && huge.stderr.contains("at most 10"), huge.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("bad.h5")))
    }

    /// --target-step changes dtp's run and is stored; bp ignores it (bit-identical run, one
    /// warning); --orthogonality 0 changes gait-prop's run.
    func testAValueReachesTheRulesThatUseItAndNoOther() throws {
        func run(_ name: String, _ arguments: [String]) throws -> (path: String, result: CommandResult) {
            let file = path(name)
            let result = try CommandRunner.run(["simulate", "--seed", "3", "--quiet"] + small + arguments + ["--out", file], in: dir)
            XCTAssertEqual(result.status, 0, result.stderr)
            return (file, result)
        }
        let dtp = try run("dtp.h5", ["--rule", "dtp"]), dtpSmall = try run("dtp-beta.h5", ["--rule", "dtp", "--target-step", "0.05"])
        XCTAssertEqual(dtpSmall.result.stderrLines, [], "dtp uses --target-step: no warning")
        let last = try RunReader(path: dtp.path).snapshotCount - 1
        XCTAssertNotEqual(try RunReader(path: dtp.path).weights("W_1", snapshot: last),
                          try RunReader(path: dtpSmall.path).weights("W_1", snapshot: last), "beta changes dtp's updates")
        let stored = try SimulationConfiguration(json: RunReader(path: dtpSmall.path).configurationJSON)
        XCTAssertEqual(stored.targetStep, 0.05)
        XCTAssertEqual(stored.targetPropagation, TargetPropagationSettings(targetStep: 0.05))
        XCTAssertEqual(try SimulationConfiguration(json: RunReader(path: dtp.path).configurationJSON).targetStep, 0.2, "the default, stored")

        let bp = try run("bp.h5", ["--rule", "bp"]), bpIgnoring = try run("bp-beta.h5", ["--rule", "bp", "--target-step", "0.05"])
        XCTAssertEqual(bpIgnoring.result.stderrLines.count, 1, bpIgnoring.result.stderr)
        XCTAssertTrue(bpIgnoring.result.stderr.contains("warning: --target-step applies only to dtp, dtp-skip: ignored by rule bp"),
                      bpIgnoring.result.stderr)
        try assertSameRun(bp.path, bpIgnoring.path)

        let gait = try run("gait.h5", ["--rule", "gait-prop"]), gaitFree = try run("gait-free.h5", ["--rule", "gait-prop", "--orthogonality", "0"])
        XCTAssertEqual(gaitFree.result.stderrLines, [])
        XCTAssertNotEqual(try RunReader(path: gait.path).weights("W_2", snapshot: last),
                          try RunReader(path: gaitFree.path).weights("W_2", snapshot: last), "lambda_O changes gait-prop's updates")
        // The definition stored beside the run repeats it.
        let definition = try RunReader(path: dtpSmall.path).connectome() ?? ""
        XCTAssertTrue(definition.contains("target_step: 0.05"), definition)
    }

    /// compare: the values reach its child runs (through the definitions beside them) and its
    /// table says which were used; given with rules none of which uses them, one warning.
    func testCompareShowsAndPassesTheValues() throws {
        let out = path("cmp")
        let result = try CommandRunner.run(["compare", "--rules", "bp,dtp", "--seeds", "1", "--jobs", "2", "--target-step", "0.1",
                                            "--inverse-rate", "0.25", "--out", out] + small, in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains("warning"), result.stderr)
        XCTAssertTrue(result.stdout.contains("Target-propagation hyperparameters used: dtp: beta 0.1, sigma 0.1, eta_inv 0.25."), result.stdout)
        let stored = try SimulationConfiguration(json: RunReader(path: out + "/dtp-seed1.h5").configurationJSON)
        XCTAssertEqual(stored.targetPropagation, TargetPropagationSettings(targetStep: 0.1, inverseRate: 0.25))
        let csv = try String(contentsOfFile: out + "/comparison.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = csv[0].map(String.init)
        let dtpRow = try XCTUnwrap(csv.first { $0.first == "dtp" }), bpRow = try XCTUnwrap(csv.first { $0.first == "bp" })
        let column = try XCTUnwrap(header.firstIndex(of: "target_step"))
        XCTAssertEqual(dtpRow[column], "0.1")
        XCTAssertEqual(bpRow[column], "", "bp does not use it")

        let ignored = try CommandRunner.run(["compare", "--rules", "bp,fa", "--seeds", "1", "--orthogonality", "0",
                                             "--out", path("cmp2")] + small, in: dir)
        XCTAssertEqual(ignored.status, 0, ignored.stderr)
        XCTAssertEqual(ignored.stderrLines.filter { $0.contains("warning") },
                       ["selfassemble: warning: --orthogonality applies only to gait-prop: ignored by rules bp, fa"])
    }
}
