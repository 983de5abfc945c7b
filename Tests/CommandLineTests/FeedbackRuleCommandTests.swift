import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// Runs of rules with their own feedback (issue 11): `simulate --resume` of a killed or
/// interrupted run continues bit-identically to a run never stopped, learned feedback
/// (Kolen-Pollack's B_l) included; and such rules, which do not use the motif, have no
/// development in `simulate`, as in `compare` and `--compare-bp`.
final class FeedbackRuleCommandTests: XCTestCase {
    private let options = ["--sizes", "16,24,12,5", "--batch", "16", "--snapshot-every", "20", "--quiet"]
    private var dir: URL!

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Starts `rule`'s run, sends `signal` once the file holds `snapshots` snapshots, continues it
    /// with `--resume`, and checks every dataset against `reference`.
    private func stopAndContinue(_ rule: String, epochs: Int, signal: Int32, after snapshots: Int, reference: String,
                                 extra: [String] = []) throws {
        let file = path("\(rule)-\(signal).h5")
        let run = options + ["--epochs", String(epochs)] + extra
        let (status, stderr) = try CommandRunner.startAndSignal(["simulate", "--rule", rule] + run + ["--out", file], signal: signal) {
            CommandRunner.snapshots(in: file) >= snapshots
        }
        XCTAssertNotEqual(status, 0, "\(rule): the run was stopped before it finished: \(stderr)")
        let stopped = CommandRunner.snapshots(in: file)
        XCTAssertGreaterThanOrEqual(stopped, snapshots)
        XCTAssertLessThan(stopped, try RunReader(path: reference).snapshotCount, "\(rule): stopped half-way")
        let resumed = try CommandRunner.run(["simulate", "--resume", file, "--quiet"])
        XCTAssertEqual(resumed.status, 0, "\(rule): \(resumed.stderr)")
        XCTAssertTrue(resumed.stdout.contains("continued from step"), resumed.stdout)
        try assertSameRun(reference, file)
        try assertSameDatasets(reference, file)
        XCTAssertTrue(try RunValidator.report(path: file).isValid)
    }

    func testAKilledOrInterruptedKolenPollackRunContinuesBitIdentically() throws {
        let reference = path("reference.h5")
        let full = try CommandRunner.run(["simulate", "--rule", "kolen-pollack", "--epochs", "30"] + options + ["--out", reference])
        XCTAssertEqual(full.status, 0, full.stderr)
        XCTAssertEqual(try RunReader(path: reference).feedbackNames(), ["B_2", "B_3"])
        try stopAndContinue("kolen-pollack", epochs: 30, signal: SIGKILL, after: 3, reference: reference)
        try stopAndContinue("kolen-pollack", epochs: 30, signal: SIGINT, after: 8, reference: reference)
    }

    func testInterruptedRunsOfTheOtherFeedbackRulesContinueBitIdentically() throws {
        for rule in ["fa", "dfa", "usf", "brsf", "frsf"] {
            let reference = path("\(rule)-reference.h5")
            XCTAssertEqual(try CommandRunner.run(["simulate", "--rule", rule, "--epochs", "8"] + options + ["--out", reference]).status, 0)
            try stopAndContinue(rule, epochs: 8, signal: SIGINT, after: 3, reference: reference)
        }
    }

    /// dtp-skip with its own hyperparameters set: --resume continues with the stored values
    /// (bit-identical to the run never stopped, which differs from one at the defaults).
    func testAnInterruptedDTPSkipRunKeepsItsHyperparametersOnResume() throws {
        let own = ["--target-step", "0.1", "--inverse-noise", "0.05", "--inverse-rate", "0.3"]
        let reference = path("dtp-skip-reference.h5"), defaults = path("dtp-skip-defaults.h5")
        XCTAssertEqual(try CommandRunner.run(["simulate", "--rule", "dtp-skip", "--epochs", "8"] + options + own + ["--out", reference]).status, 0)
        XCTAssertEqual(try CommandRunner.run(["simulate", "--rule", "dtp-skip", "--epochs", "8"] + options + ["--out", defaults]).status, 0)
        let last = try RunReader(path: reference).snapshotCount - 1
        XCTAssertNotEqual(try RunReader(path: reference).feedback("S_3", snapshot: last), try RunReader(path: defaults).feedback("S_3", snapshot: last))
        try stopAndContinue("dtp-skip", epochs: 8, signal: SIGINT, after: 3, reference: reference, extra: own)
        let stored = try SimulationConfiguration(json: RunReader(path: path("dtp-skip-\(SIGINT).h5")).configurationJSON)
        XCTAssertEqual(stored.targetPropagation, TargetPropagationSettings(targetStep: 0.1, inverseNoise: 0.05, inverseRate: 0.3))
    }

    /// fa learns from the random initial circuit: no development stage changes W before learning,
    /// nothing says "development", and the run equals compare's run of the same rule and seed.
    func testSimulateRunsNoDevelopmentForRulesWithoutTheMotif() throws {
        let options = ["--rule", "fa", "--seed", "3", "--sizes", "16,24,12,5", "--epochs", "2", "--batch", "16", "--snapshot-every", "25"]
        let file = path("fa.h5")
        let result = try CommandRunner.run(["simulate"] + options + ["--out", file])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains("development") || result.stderr.contains("reciprocal") || result.stderr.contains("descending"),
                       result.stderr)
        XCTAssertFalse(result.stdout.contains("development") || result.stdout.contains("motif assembly"), result.stdout)
        XCTAssertTrue(result.stdout.contains("alignment_bp at the end"), result.stdout)

        let reader = try RunReader(path: file)
        XCTAssertEqual(Set(try reader.phases()), [.learning])
        XCTAssertEqual(try reader.steps().first, 0)
        XCTAssertEqual(try reader.steps().last, 2 * (2_000 / 16), "every step is a learning step")
        let initial = Circuit(randomFor: try reader.architecture(), seed: 3)
        for l in 1...3 {
            // Snapshot 0 holds the W the first learning step starts from.
            XCTAssertEqual(try reader.weights("W_\(l)", snapshot: 0), initial[l].W, "W_\(l) at the first learning step is the initial W")
            XCTAssertNotEqual(try reader.weights("W_\(l)", snapshot: 1), initial[l].W, "learning changes W_\(l)")
        }

        // A development option given with such a rule is named once, as ignored; the run is the same.
        let ignoring = path("fa-ignoring.h5")
        let warned = try CommandRunner.run(["simulate"] + options + ["--development-steps", "500", "--quiet", "--out", ignoring])
        XCTAssertEqual(warned.status, 0, warned.stderr)
        XCTAssertEqual(warned.stderrLines.count, 1, warned.stderr)
        XCTAssertTrue(warned.stderr.contains("--development-steps 500 is ignored"), warned.stderr)
        try assertSameDatasets(file, ignoring)
        // So are the other options only the motif uses, all in the same one line (they used to
        // be accepted without a word).
        let ignoringMore = path("fa-ignoring-more.h5")
        let warnedMore = try CommandRunner.run(["simulate"] + options + ["--development-steps", "500", "--eta-v", "0.5", "--top-teaching", "error",
                                                                         "--plastic", "W,V,Vbar,Wbar", "--quiet", "--out", ignoringMore])
        XCTAssertEqual(warnedMore.status, 0, warnedMore.stderr)
        XCTAssertEqual(warnedMore.stderrLines, ["selfassemble: warning: rule fa does not use the motif (only rule circuit does): it has no development and no V, Vbar or Wbar to learn or teach with, so --development-steps 500, --eta-v 0.5, --top-teaching error, V, Vbar, Wbar in --plastic are ignored (its learning is the same without them)"])
        // The same learning: every weight at every snapshot (the stored configuration, and the
        // top level's alignment_H, whose H depends on --top-teaching, record what was given).
        let plain = try RunReader(path: file), more = try RunReader(path: ignoringMore)
        XCTAssertEqual(plain.snapshotCount, more.snapshotCount)
        for name in try plain.projectionNames() {
            for s in 0..<plain.snapshotCount { XCTAssertEqual(try plain.weights(name, snapshot: s), try more.weights(name, snapshot: s), "\(name) at \(s)") }
        }
        XCTAssertEqual(try plain.metric("test_accuracy"), try more.metric("test_accuracy"))

        // compare's run of the same rule, seed and rates.
        let compared = dir.appendingPathComponent("compared")
        let comparison = try CommandRunner.run(["compare", "--rules", "fa", "--seeds", "3", "--sizes", "16,24,12,5", "--epochs", "2",
                                                "--batch", "16", "--snapshot-every", "25", "--eta-w", "0.1", "--weight-decay", "1e-4",
                                                "--out", compared.path], in: dir)
        XCTAssertEqual(comparison.status, 0, comparison.stderr)
        try assertSameDatasets(file, compared.appendingPathComponent("fa-seed3.h5").path)
    }
}
