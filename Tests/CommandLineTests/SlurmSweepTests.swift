import Foundation
import SelfAssembleStore
import XCTest

/// `selfassemble sweep --emit slurm` on a real Slurm: a one-node cluster started by the test
/// (``SlurmCluster``), the emitted script submitted with sbatch, the array waited for, then
/// `collect`; and a task requeued while it runs, which continues its run from the last
/// snapshot instead of starting over.
final class SlurmSweepTests: XCTestCase {
    nonisolated(unsafe) private static var cluster: SlurmCluster?
    nonisolated(unsafe) private static var startFailure: Error?
    private var dir: URL!

    override class func tearDown() {
        cluster?.stop()
        cluster = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        // Started by the first test and stopped after the last (in the class's tearDown): a
        // class-level setUp cannot wait for the programs it runs here (Foundation's Process
        // never sees them exit), an instance's can.
        if Self.cluster == nil && Self.startFailure == nil {
            do {
                try SlurmCluster.installIfMissing()
                let cluster = try SlurmCluster()
                Self.cluster = cluster
                try cluster.start()
            } catch {
                Self.startFailure = error
            }
        }
        if let failure = Self.startFailure { throw failure }
        // Under /tmp beside the cluster: the tasks run as root on this machine and share its files.
        dir = try CommandRunner.temporaryDirectory()
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private var cluster: SlurmCluster { Self.cluster! }

    /// Submits the script and returns the array's job id.
    private func submit(_ script: URL) throws -> String {
        let submitted = try cluster.command("sbatch", ["--parsable", script.path],
                                            extraEnvironment: ["SELFASSEMBLE": CommandRunner.executable.path])
        XCTAssertEqual(submitted.status, 0, submitted.stderr)
        return try XCTUnwrap(submitted.stdout.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
    }

    private func waitUntilDone(_ job: String, timeout: TimeInterval = 600) throws {
        try cluster.waitFor("job array \(job) to finish", timeout: timeout) {
            (try? cluster.command("squeue", ["-h", "-j", job]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty) ?? false
        }
    }

    func testEmittedScriptRunsTheManifestAsAJobArrayThenCollects() throws {
        let out = dir.appendingPathComponent("sw")
        let emitted = try CommandRunner.run(["sweep"] + SweepCommandTests.small + [
            "--grid", "epochs=2", "--grid", "ratio=1,2", "--grid", "seed=1,2", "--out", out.path,
            "--emit", "slurm", "--partition", "test", "--time", "0:10:00", "--mem", "300M", "--cpus", "1", "--throttle", "2"], in: dir)
        XCTAssertEqual(emitted.status, 0, emitted.stderr)
        let script = out.appendingPathComponent("sweep.slurm")
        let text = try String(contentsOf: script, encoding: .utf8)
        for line in ["#SBATCH --array=0-3%2", "#SBATCH --partition=test", "#SBATCH --time=0:10:00", "#SBATCH --mem=300M",
                     "#SBATCH --cpus-per-task=1", "#SBATCH --requeue"] {
            XCTAssertTrue(text.contains(line + "\n"), "\(line) in\n\(text)")
        }
        let job = try submit(script)
        try waitUntilDone(job)
        let logs = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("slurm").path).sorted()
        XCTAssertEqual(logs, (0..<4).map { "\(job)_\($0).out" }, "one log per task")
        for run in ["ratio-1_seed-1", "ratio-1_seed-2", "ratio-2_seed-1", "ratio-2_seed-2"] {
            let path = out.appendingPathComponent("runs/\(run).h5").path
            XCTAssertTrue((try? RunReader(path: path).isComplete) ?? false, "\(run) complete\n\(cluster.logs())")
        }
        let collected = try CommandRunner.run(["collect", out.path], in: dir)
        XCTAssertEqual(collected.status, 0, collected.stderr)
        let rows = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 3, "one row per ratio")
        XCTAssertTrue(rows.dropFirst().allSatisfy { $0.contains(",2,") }, "two seeds each: \(rows)")
        // Submitted again, every task keeps its complete run.
        let again = try submit(script)
        try waitUntilDone(again)
        for task in 0..<4 {
            let log = try String(contentsOf: out.appendingPathComponent("slurm/\(again)_\(task).out"), encoding: .utf8)
            XCTAssertTrue(log.contains("kept") && !log.contains("running ->"), log)
        }
    }

    func testRequeuedTaskContinuesItsRunFromTheLastSnapshot() throws {
        let out = dir.appendingPathComponent("sw")
        let emitted = try CommandRunner.run(["sweep"] + SweepCommandTests.small + [
            "--grid", "epochs=40", "--grid", "seed=3", "--out", out.path, "--emit", "slurm"], in: dir)
        XCTAssertEqual(emitted.status, 0, emitted.stderr)
        let job = try submit(out.appendingPathComponent("sweep.slurm"))
        let path = out.appendingPathComponent("runs/run.h5").path
        try cluster.waitFor("the run to write 10 snapshots", timeout: 300) {
            ((try? RunReader(path: path))?.snapshotCount ?? 0) >= 10
        }
        let requeued = try cluster.command("scontrol", ["requeue", "\(job)_0"])
        XCTAssertEqual(requeued.status, 0, requeued.stderr)
        // A requeued job waits before it is eligible again (Slurm sets its begin time ahead);
        // make it eligible now, once Slurm has put it back in the queue.
        try cluster.waitFor("the task to be pending again", timeout: 120) {
            let state = (try? cluster.command("squeue", ["-h", "-j", job, "-o", "%T"]).stdout) ?? ""
            if state.contains("PENDING") { _ = try? cluster.command("scontrol", ["update", "JobId=\(job)_0", "StartTime=now"]) }
            return state.contains("PENDING") || state.isEmpty
        }
        try waitUntilDone(job)
        let log = try String(contentsOf: out.appendingPathComponent("slurm/\(job)_0.out"), encoding: .utf8)
        XCTAssertTrue(log.contains("interrupted by SIGTERM"), "the requeue stopped the run after a snapshot:\n\(log)")
        XCTAssertTrue(log.contains("run: continuing \(path)"), "the requeued task continued it:\n\(log)")
        let reader = try RunReader(path: path)
        XCTAssertTrue(reader.isComplete)
        let steps = try reader.steps()
        XCTAssertEqual(Set(steps).count, steps.count, "no snapshot written twice")
        XCTAssertEqual(steps, steps.sorted())
        // The continued run is the run left alone.
        let reference = dir.appendingPathComponent("reference.h5").path
        let fresh = try CommandRunner.run(["simulate", "--connectome", out.appendingPathComponent("runs/run.yaml").path,
                                           "--out", reference, "--quiet"], in: dir)
        // This short run's learning runs away (exit 3), in the task as here: the files are complete.
        XCTAssertTrue(CommandRunner.completed.contains(fresh.status), fresh.stderr)
        XCTAssertEqual(try reader.metric("test_accuracy").map(\.bitPattern), try RunReader(path: reference).metric("test_accuracy").map(\.bitPattern))
    }
}
