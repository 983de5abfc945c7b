import Foundation
import SelfAssembleStore
import XCTest

/// A run whose learning diverges, as a user meets it: `simulate` exits 3 with its file complete
/// and valid, `validate` and `inspect` say where it diverged, runaway learning (a finite loss
/// far past chance) counts as divergence, and `compare` and `sweep` record a diverged run as a
/// result, in this process or in child processes, not as a failure.
final class DivergenceCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// The circuit without development at eta_W = 1e4: it diverges within the first epochs.
    private let diverging = ["--sizes", "16,20,8", "--eta-w", "1e4", "--weight-decay", "0", "--epochs", "20",
                             "--development-steps", "0", "--descending-steps", "0"]

    func testADivergedRunExitsThreeAndItsFileIsCompleteAndValid() throws {
        let out = path("diverged.h5")
        let result = try CommandRunner.run(["simulate", "--quiet", "--out", out] + diverging)
        XCTAssertEqual(result.status, 3, result.stderr)
        let step = try XCTUnwrap(try RunReader(path: out).summary()?.divergedAtStep)
        XCTAssertTrue(try RunReader(path: out).isComplete)
        XCTAssertTrue(result.stdout.contains("  learning diverged at step \(step)"), result.stdout)
        XCTAssertEqual(result.stderrLines, ["selfassemble: learning diverged at step \(step) and the run stopped there; \(out) is kept, complete and valid (it holds the run up to the divergence; `selfassemble validate` says so): exit status 3 marks a diverged run"])

        let validated = try CommandRunner.run(["validate", out])
        XCTAssertEqual(validated.status, 0, validated.stderr)
        XCTAssertTrue(validated.stdout.hasSuffix(", complete, diverged at step \(step))\n"), validated.stdout)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try CommandRunner.run(["validate", "--json", out]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["divergedAtStep"] as? Int, step)
        XCTAssertEqual(json["valid"] as? Bool, true)
        let inspected = try CommandRunner.run(["inspect", out])
        XCTAssertTrue(inspected.stdout.contains("status         complete, diverged at step \(step) (created "), inspected.stdout)

        // A run that went to the end exits 0 and says nothing of the kind.
        let healthy = try CommandRunner.run(["simulate", "--quiet", "--out", path("healthy.h5"), "--sizes", "16,20,8", "--epochs", "1",
                                             "--development-steps", "20", "--descending-steps", "10"])
        XCTAssertEqual(healthy.status, 0, healthy.stderr)
        XCTAssertEqual(try CommandRunner.run(["validate", path("healthy.h5")]).stdout.hasSuffix(", complete)\n"), true)
    }

    /// A learned inverse that overflows (dtp at --inverse-noise 1e20, and dtp-skip and
    /// gait-prop likewise) is a divergence: exit 3, a complete file that `validate` calls
    /// complete and diverged, and the advice names the rule's own options, not --eta-v.
    /// (It used to exit 1 with "a weight overflowed ... lower --eta-w or --eta-v" and leave a
    /// file that looked killed and could never be continued.)
    func testAnOverflowingLearnedInverseIsADivergenceNamingItsOptions() throws {
        for rule in ["dtp", "dtp-skip", "gait-prop"] {
            let out = path("\(rule).h5")
            let result = try CommandRunner.run(["simulate", "--out", out, "--rule", rule, "--inverse-noise", "1e20", "--sizes", "16,12,10,8",
                                                "--epochs", "1", "--development-steps", "0", "--descending-steps", "0"])
            XCTAssertEqual(result.status, 3, "\(rule): \(result.stderr)")
            let step = try XCTUnwrap(try RunReader(path: out).summary()?.divergedAtStep)
            XCTAssertTrue(try RunReader(path: out).isComplete)
            let line = try XCTUnwrap(result.stdoutLines.first { $0.hasPrefix("  learning diverged at step \(step)") }, result.stdout)
            XCTAssertTrue(line.contains("rule \(rule)'s learned feedback Q_") && line.contains("lower --inverse-rate (now 0.5) or --inverse-noise (now 1e+20)"), line)
            XCTAssertFalse(line.contains("--eta-v") || line.contains("eta_W"), line)
            XCTAssertTrue(try CommandRunner.run(["validate", out]).stdout.hasSuffix(", complete, diverged at step \(step))\n"))
        }
    }

    /// W's update diverging in a rule with its own options that shape it names them, not
    /// eta_W alone: GAIT-prop at --orthogonality 1e9, dtp at --inverse-rate 1e6 (whose
    /// learned inverses grow until the updates through them run away).
    func testADivergingUpdateNamesTheRulesOwnOptions() throws {
        for (rule, option, named) in [("gait-prop", ["--orthogonality", "1e9"], "lambda_O = 1e+09"),
                                      ("dtp", ["--inverse-rate", "1e6"], "eta_inv = 1e+06")] {
            let out = path("\(rule)-update.h5")
            let result = try CommandRunner.run(["simulate", "--out", out, "--rule", rule, "--sizes", "16,12,8", "--epochs", "1",
                                                "--development-steps", "0", "--descending-steps", "0"] + option)
            XCTAssertEqual(result.status, 3, result.stderr)
            let line = try XCTUnwrap(result.stdoutLines.first { $0.hasPrefix("  learning diverged at step") }, result.stdout)
            XCTAssertTrue(line.contains(named) && line.contains("lower --eta-w or ") && line.contains(option[0]), line)
        }
    }

    /// Development that blows up is reported as development's divergence naming its stage's
    /// options: a descending stage at rate 1e30 leaves W near 1e29, and the first learning step
    /// (whose activities overflow) is not blamed on eta_W.
    func testADevelopmentBlowUpIsReportedAsDevelopmentDiverging() throws {
        let out = path("development.h5")
        let result = try CommandRunner.run(["simulate", "--out", out, "--sizes", "16,20,8", "--epochs", "1", "--descending-rate", "1e30",
                                            "--development-steps", "20", "--descending-steps", "20"])
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertEqual(try RunReader(path: out).summary()?.divergedAtStep, 40)
        let line = try XCTUnwrap(result.stdoutLines.first { $0.hasPrefix("  development diverged in the descending-stage (step 40)") }, result.stdout)
        XCTAssertTrue(line.hasSuffix("lower --descending-rate (now 1e+30) or raise --descending-decay (now 0.002)"), line)
        XCTAssertFalse(line.contains("eta_W"), line)
        XCTAssertTrue(result.stderrLines.last?.hasPrefix("selfassemble: development diverged at step 40 and the run stopped there;") == true, result.stderr)
    }

    /// The user's command: feedback alignment at eta_W = 1000 on digits ended at chance with a
    /// finite loss of 1.2e19 and "diverged: no". Its loss passes the runaway bound in the first
    /// epoch; the run stops there and the table says so, in this process and as a child.
    func testRunawayLearningIsReportedAsDivergedByCompare() throws {
        let digits = try CommandRunner.digitsDirectory()
        for jobs in ["1", "2"] {
            let out = dir.appendingPathComponent("runaway-\(jobs)")
            let result = try CommandRunner.run(["compare", "--rules", "fa,bp", "--rates", "fa=1000", "--seeds", "1", "--epochs", "2",
                                                "--data", digits.path, "--jobs", jobs, "--out", out.path])
            XCTAssertEqual(result.status, 0, "a diverged run is a result, not a failure (jobs \(jobs)): \(result.stderr)")
            let row = try XCTUnwrap(result.stdoutLines.first { $0.hasPrefix("| fa |") }, result.stdout)
            XCTAssertTrue(row.contains("(diverged)") && row.contains("| 1 of 1 (step "), row)
            let bp = try XCTUnwrap(result.stdoutLines.first { $0.hasPrefix("| bp |") }, result.stdout)
            XCTAssertTrue(bp.hasSuffix("| no |"), bp)
            let reader = try RunReader(path: out.appendingPathComponent("fa-seed1.h5").path)
            XCTAssertTrue(reader.isComplete)
            XCTAssertNotNil(try reader.summary()?.divergedAtStep)
        }
    }

    /// A grid point whose learning diverges is a complete run of the sweep, not a failed one,
    /// and collect tables it as diverged.
    func testASweepCountsADivergedRunAsComplete() throws {
        let out = dir.appendingPathComponent("sweep")
        let result = try CommandRunner.run(["sweep", "--connectome", "default", "--grid", "levels[1].size=20", "--grid", "levels[2].size=20",
                                            "--grid", "development.steps=0", "--grid", "descending_steps=0", "--grid", "epochs=3",
                                            "--grid", "eta_w=0.05,10000", "--out", out.path, "--jobs", "2"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("2/2 done, 0 running, 0 failed"), result.stderr)
        let diverged = try RunReader(path: out.appendingPathComponent("runs/eta-w-10000.h5").path)
        XCTAssertTrue(diverged.isComplete)
        XCTAssertNotNil(try diverged.summary()?.divergedAtStep)
        let collected = try CommandRunner.run(["collect", out.path], in: dir)
        XCTAssertEqual(collected.status, 0, collected.stderr)
        XCTAssertTrue(collected.stdout.contains("1 diverged"), collected.stdout)
        // Each group has one seed: its accuracy alone in the table, an empty sd in the CSV.
        let rows = collected.stdoutLines.filter { $0.hasPrefix("| 0.05 |") || $0.hasPrefix("| 10000 |") }
        XCTAssertEqual(rows.count, 2, collected.stdout)
        XCTAssertTrue(rows.allSatisfy { !$0.contains("±") }, rows.joined(separator: "\n"))
        let csv = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let sd = try XCTUnwrap(csv.first?.firstIndex(of: "test_accuracy_sd"))
        XCTAssertEqual(csv.dropFirst().map { $0[sd] }, ["", ""])
    }
}
