import Foundation
import SelfAssembleStore
import SelfAssembleTestSupport
import XCTest

/// `selfassemble sweep` on this machine and `selfassemble collect`: the grid expanded into
/// runs and a manifest, a sweep killed half-way and started again (no run done twice, none
/// lost), a failing run that does not stop the others, bad grids refused in one line, and the
/// table's numbers recomputed from the run files.
final class SweepCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A small circuit on the synthetic task: a run takes about a second in a debug build.
    static let small = ["--connectome", "default", "--grid", "levels[1].size=24", "--grid", "levels[2].size=24",
                        "--grid", "development.steps=200", "--grid", "descending_steps=200",
                        "--grid", "snapshots.every=25"]

    /// The tool started in the background with its output discarded, to be killed half-way.
    private func startInBackground(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func manifestRuns(_ out: URL) throws -> [[String: Any]] {
        let data = try Data(contentsOf: out.appendingPathComponent("manifest.json"))
        return try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["runs"] as? [[String: Any]])
    }

    func testGridExpandsIntoRunsWithManifestAndCollectAggregatesOverSeeds() throws {
        let out = dir.appendingPathComponent("sw")
        let result = try CommandRunner.run(["sweep"] + Self.small + ["--grid", "epochs=3", "--grid", "ratio=1,2.5", "--grid", "seed=1..3",
                                                                      "--out", out.path, "--jobs", "2"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let runs = try manifestRuns(out)
        XCTAssertEqual(runs.count, 6)
        XCTAssertEqual(runs.map { ($0["parameters"] as! [String: String])["ratio"]! }, ["1", "1", "1", "2.5", "2.5", "2.5"], "first axis slowest")
        XCTAssertEqual(runs.map { ($0["parameters"] as! [String: String])["seed"]! }, ["1", "2", "3", "1", "2", "3"])
        XCTAssertTrue(result.stderr.contains("sweep: 6/6 done, 0 running, 0 failed"), result.stderr)
        XCTAssertTrue(result.stderr.contains("left"), "an estimate of the time left: \(result.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("manifest.csv"), encoding: .utf8)
        XCTAssertTrue(csv.hasPrefix("index,levels[1].size,levels[2].size,steps,descending_steps,every,epochs,ratio,seed,output,definition\n0,24,24,200,200,25,3,1,1,runs/ratio-1_seed-1.h5,runs/ratio-1_seed-1.yaml\n"), csv)
        // Each run: its resolved connectome and its run file, of the grid point's values.
        var accuracies = [String: [Double]]()
        for run in runs {
            let reader = try RunReader(path: out.appendingPathComponent(run["output"] as! String).path)
            XCTAssertTrue(reader.isComplete)
            let configuration = try reader.configuration()
            let parameters = run["parameters"] as! [String: String]
            XCTAssertEqual(configuration.ratios, [Double(parameters["ratio"]!)!])
            XCTAssertEqual(configuration.seed, UInt64(parameters["seed"]!)!)
            XCTAssertEqual(configuration.sizes, [64, 24, 24, 10])
            XCTAssertEqual(configuration.epochs, 3)
            let yaml = try String(contentsOf: out.appendingPathComponent(run["definition"] as! String), encoding: .utf8)
            XCTAssertTrue(yaml.contains("seed: \(parameters["seed"]!)"), yaml)
            accuracies[parameters["ratio"]!, default: []].append(try XCTUnwrap(reader.summary()).finalTestAccuracy)
        }

        let collected = try CommandRunner.run(["collect", out.path, "--metric", "test_accuracy", "--against", "ratio"], in: dir)
        XCTAssertEqual(collected.status, 0, collected.stderr)
        let table = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(table.count, 3, "a header and one row per ratio")
        let header = table[0].split(separator: ",").map(String.init)
        for row in table.dropFirst() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let ratio = fields[header.firstIndex(of: "ratio")!]
            let values = accuracies[ratio]!
            let mean = values.reduce(0, +) / 3
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
            XCTAssertEqual(fields[header.firstIndex(of: "seeds")!], "3")
            XCTAssertEqual(Double(fields[header.firstIndex(of: "test_accuracy_mean")!])!, mean, accuracy: 1e-12)
            XCTAssertEqual(Double(fields[header.firstIndex(of: "test_accuracy_sd")!])!, sd, accuracy: 1e-12)
        }
        XCTAssertTrue(header.contains("onset_1_mean") && header.contains("reciprocity_1_mean"), header.joined(separator: ","))
        let markdown = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        XCTAssertTrue(markdown.hasPrefix("| ratio | seeds | test accuracy (mean ± sd)"), markdown)
        XCTAssertTrue(collected.stdout.contains(markdown))
        let svg = try String(contentsOf: out.appendingPathComponent("test_accuracy-vs-ratio.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("<svg") && svg.contains("error-bar"), "a plot with spread bars")
        // The HDF5 summary, read by h5py: the same means as the CSV.
        let read = try PythonRunner.run("""
            import h5py, sys
            with h5py.File(sys.argv[1], "r") as f:
                print(list(f["summary/ratio"].asstr()[:]), [float(x) for x in f["summary/test_accuracy_mean"][:]], len(f["runs/run_file"]))
            """, arguments: [out.appendingPathComponent("summary.h5").path])
        XCTAssertEqual(read.status, 0, read.stderr)
        let means = ["1", "2.5"].map { r in accuracies[r]!.reduce(0, +) / 3 }
        XCTAssertEqual(read.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "['1', '2.5'] \(means.map { "\($0)" }) 6".replacingOccurrences(of: "\"", with: ""))
        // A selection: only ratio 2.5, in files named after it.
        let selected = try CommandRunner.run(["collect", out.path, "--where", "ratio=2.5", "--against", "ratio"], in: dir)
        XCTAssertEqual(selected.status, 0, selected.stderr)
        let rows = try String(contentsOf: out.appendingPathComponent("summary-ratio-2.5.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 2, "a header and the one selected row")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("test_accuracy-vs-ratio-ratio-2.5.svg").path))
        let unknown = try CommandRunner.run(["collect", out.path, "--where", "ratio=3"], in: dir)
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("its values are 1, 2.5"), unknown.stderr)
    }

    /// A sweep over the seed alone has nothing to plot against: `collect --against` says so
    /// (it listed an empty "use one of").
    func testCollectAgainstAParameterOfASeedOnlySweepSaysThereIsNone() throws {
        let definition = dir.appendingPathComponent("tiny.yaml")
        try """
        name: tiny
        input: 8
        levels:
          - {size: 12}
          - {size: 4}
        learning: {epochs: 1, eta_w: 0.02}
        development: {steps: 40, descending_steps: 20}
        snapshots: {every: 20}
        """.write(to: definition, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("seeds")
        let sweep = try CommandRunner.run(["sweep", "--connectome", definition.path, "--grid", "seed=1,2", "--out", out.path], in: dir)
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let collected = try CommandRunner.run(["collect", out.path, "--against", "ratio"], in: dir)
        XCTAssertEqual(collected.status, 64)
        XCTAssertTrue(collected.stderr.contains("varies only the seed"), collected.stderr)
        XCTAssertEqual(try CommandRunner.run(["collect", out.path], in: dir).status, 0)
    }

    func testSweepKilledHalfWayAndRestartedRunsNoRunTwiceAndLosesNone() throws {
        let out = dir.appendingPathComponent("sw")
        let arguments = ["sweep"] + Self.small + ["--grid", "epochs=6", "--grid", "seed=1..6", "--out", out.path, "--jobs", "2"]
        let sweep = try startInBackground(arguments)
        let outputs = (1...6).map { out.appendingPathComponent("runs/seed-\($0).h5").path }
        /// Complete runs, and incomplete ones with at least `snapshots` snapshots.
        func state(snapshots: Int = 1) -> (complete: Set<String>, partial: Set<String>) {
            var complete = Set<String>(), partial = Set<String>()
            for path in outputs where FileManager.default.fileExists(atPath: path) {
                guard let reader = try? RunReader(path: path) else { continue }
                if reader.isComplete { complete.insert(path) } else if reader.snapshotCount >= snapshots { partial.insert(path) }
            }
            return (complete, partial)
        }
        // The sweep and its runs killed at once, as a lost machine or an OOM kill of the job
        // would: frozen first (the sweep, so that it starts no run, then its runs), and the state
        // read while frozen, so that no run completes between the look and the kill.
        let deadline = Date().addingTimeInterval(300)
        var children = [pid_t]()
        while sweep.isRunning && Date() < deadline {
            let s = state(snapshots: 3)
            if !s.complete.isEmpty && !s.partial.isEmpty {
                kill(sweep.processIdentifier, SIGSTOP)
                children = (try? String(contentsOfFile: "/proc/\(sweep.processIdentifier)/task/\(sweep.processIdentifier)/children", encoding: .utf8))?
                    .split(separator: " ").compactMap { pid_t($0) } ?? []
                for child in children { kill(child, SIGSTOP) }
                let frozen = state(snapshots: 3)
                if !frozen.complete.isEmpty && !frozen.partial.isEmpty { break }
                for child in children { kill(child, SIGCONT) }
                kill(sweep.processIdentifier, SIGCONT)
                children = []
            }
            usleep(20_000)
        }
        XCTAssertTrue(sweep.isRunning, "the sweep ended before it could be killed half-way")
        XCTAssertFalse(children.isEmpty, "runs under way")
        for child in children { kill(child, SIGKILL) }
        kill(sweep.processIdentifier, SIGKILL)
        sweep.waitUntilExit()
        usleep(200_000)
        let before = state()
        XCTAssertFalse(before.complete.isEmpty)
        XCTAssertFalse(before.partial.isEmpty)
        XCTAssertLessThan(before.complete.count, 6)
        var created = [String: String]()
        for path in before.complete { created[path] = try RunReader(path: path).created }

        let again = try CommandRunner.run(arguments, in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        for path in outputs {
            let name = (path as NSString).lastPathComponent
            let lines = again.stderrLines.filter { $0.contains(name) }
            if before.complete.contains(path) {
                XCTAssertTrue(lines.contains { $0.contains("kept") }, "\(name) complete before: kept\n\(again.stderr)")
                XCTAssertFalse(lines.contains { $0.contains("running ->") || $0.contains("continuing") }, "\(name) not run twice")
                XCTAssertEqual(try RunReader(path: path).created, created[path], "\(name) is the same file")
            } else if before.partial.contains(path) {
                XCTAssertTrue(lines.contains { $0.contains("continuing") }, "\(name) incomplete: continued\n\(again.stderr)")
            } else {
                XCTAssertTrue(lines.contains { $0.contains("running ->") }, "\(name) not started: run\n\(again.stderr)")
            }
            let reader = try RunReader(path: path)
            XCTAssertTrue(reader.isComplete, "\(name) complete: none lost")
            let steps = try reader.steps()
            XCTAssertEqual(steps, steps.sorted(), name)
            XCTAssertEqual(Set(steps).count, steps.count, "\(name): no snapshot twice")
        }
        // A continued run is the run left alone: its definition run afresh gives the same metrics.
        let continued = try XCTUnwrap(before.partial.sorted().first)
        let reference = dir.appendingPathComponent("reference.h5").path
        let fresh = try CommandRunner.run(["simulate", "--connectome", (continued as NSString).deletingPathExtension + ".yaml",
                                           "--out", reference, "--quiet"], in: dir)
        // Seeds 1, 4, 5 and 6 of this short development run away in learning (exit 3): the
        // continued run must diverge at the same step as the fresh one.
        XCTAssertTrue(CommandRunner.completed.contains(fresh.status), fresh.stderr)
        for metric in ["test_accuracy", "reciprocity_1", "alignment_H_2"] {
            XCTAssertEqual(try RunReader(path: continued).metric(metric).map(\.bitPattern),
                           try RunReader(path: reference).metric(metric).map(\.bitPattern), metric)
        }
    }

    /// kill -9 of the sweep process alone: its runs notice they are orphaned, stop after a step
    /// as on SIGTERM and mark their files interrupted (they ran on unwatched, and a sweep started
    /// again raced them); the sweep run again completes them.
    func testRunsStopWhenTheSweepProcessAloneIsKilled() throws {
        let out = dir.appendingPathComponent("orphans")
        let arguments = ["sweep"] + Self.small + ["--grid", "epochs=60", "--grid", "seed=1,2", "--out", out.path, "--jobs", "2"]
        let sweep = try startInBackground(arguments)
        let outputs = (1...2).map { out.appendingPathComponent("runs/seed-\($0).h5").path }
        let deadline = Date().addingTimeInterval(300)
        while sweep.isRunning && Date() < deadline && !outputs.allSatisfy({ CommandRunner.snapshots(in: $0) >= 2 }) { usleep(20_000) }
        XCTAssertTrue(sweep.isRunning, "the sweep ended before it could be killed")
        let children = (try? String(contentsOfFile: "/proc/\(sweep.processIdentifier)/task/\(sweep.processIdentifier)/children", encoding: .utf8))?
            .split(separator: " ").compactMap { pid_t($0) } ?? []
        XCTAssertEqual(children.count, 2, "two runs under way")
        kill(sweep.processIdentifier, SIGKILL)
        sweep.waitUntilExit()
        // The orphaned runs end by themselves (a zombie left unreaped by the new parent has ended).
        func alive(_ pid: pid_t) -> Bool {
            guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? false)
        }
        let stopBy = Date().addingTimeInterval(60)
        while children.contains(where: alive) && Date() < stopBy { usleep(50_000) }
        XCTAssertFalse(children.contains(where: alive), "the orphaned runs stopped")
        for output in outputs {
            let reader = try RunReader(path: output)
            XCTAssertTrue(reader.status == "interrupted" || reader.isComplete, "\(output): \(reader.status)")
        }
        let again = try CommandRunner.run(arguments)
        XCTAssertEqual(again.status, 0, again.stderr)
        for output in outputs { XCTAssertTrue(try RunReader(path: output).isComplete, output) }
    }

    func testAFailingRunDoesNotStopTheOthersAndTheSweepSaysSo() throws {
        var good = "label,a,b,c,d\n", bad = "label,a,b,c,d\n"
        for i in 0..<60 {
            let label = i % 2
            good += "\(label),\(Double(label) + Double(i % 7) * 0.1),\(Double(i % 5) * 0.2),\(Double(label) * 0.5),\(Double(i % 3))\n"
            bad += i == 30 ? "1,x,0,0,0\n" : "\(label),\(i),0,0,0\n"
        }
        try good.write(to: dir.appendingPathComponent("good.csv"), atomically: true, encoding: .utf8)
        try bad.write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("sw")
        let result = try CommandRunner.run(["sweep", "--connectome", "default", "--grid", "input=4", "--grid", "levels[1].size=8",
                                            "--grid", "levels[2].size=8", "--grid", "levels[3].size=2", "--grid", "epochs=2",
                                            "--grid", "development.steps=20", "--grid", "descending_steps=20",
                                            "--grid", "data.path=good.csv,bad.csv", "--grid", "seed=1,2", "--out", out.path, "--jobs", "2"],
                                           in: dir)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stderrLines.last, "selfassemble: error: 2 of 4 runs failed (listed above); fix the cause and run the same `selfassemble sweep` again: the 2 complete runs are kept")
        XCTAssertEqual(result.stderrLines.filter { $0.hasPrefix("sweep: failed: path=bad.csv") }.count, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("4/4 done") == false && result.stderr.contains("2/4 done, 0 running, 2 failed"), result.stderr)
        for seed in [1, 2] {
            XCTAssertTrue(try RunReader(path: out.appendingPathComponent("runs/path-good.csv_seed-\(seed).h5").path).isComplete)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("runs/path-bad.csv_seed-\(seed).h5").path))
        }
        // collect tables what is complete and names what is not.
        let collected = try CommandRunner.run(["collect", out.path], in: dir)
        XCTAssertEqual(collected.status, 0, collected.stderr)
        XCTAssertTrue(collected.stdout.contains("2 runs are not in the table: path-bad.csv_seed-1.h5 (not run yet (no file))"), collected.stdout)
    }

    func testBadGridsGetOneLineNamingTheProblemAndTheFix() throws {
        let out = dir.appendingPathComponent("bad").path
        for (grid, words) in [("ratio", ["FIELD=VALUES"]), ("ratio=", ["no values"]),
                              ("ratoi=1", ["unknown field 'ratoi'"]), ("learning.etaw=1", ["did you mean 'learning.eta_w'"]),
                              ("ratio=0.5", ["ratio=0.5", "below 1"]), ("seed=5..1", ["runs backwards", "1..5"]),
                              ("seed=1..x", ["whole numbers"]), ("size=3", ["levels[1].size"]),
                              ("levels[9].size=3", ["3 levels", "levels[9]"]), ("eta_w=fast", ["learning.eta_w", "'fast'"]),
                              ("plastic=[W,Vbar", ["'[' without its ']'"]), ("ratio=1,1", ["twice"]),
                              ("downstream_activation=sigmoid", ["sigmoid", "identity, relu, tanh"]),
                              ("eta_w=0.1..0.3:0", ["step"]), ("learning=1", ["section", "learning.rule"])] {
            let result = try CommandRunner.run(["sweep", "--connectome", "default", "--grid", grid, "--out", out], in: dir)
            XCTAssertEqual(result.status, 64, "a bad grid is a usage error, as every bad option value: \(grid)")
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "'\(word)' in \(result.stderr)") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written for \(grid)")
        }
        for (arguments, words) in [([String](), ["--connectome"]), (["--jobs", "0"], ["--jobs"]),
                                   (["--emit", "pbs"], ["slurm"]), (["--partition", "x"], ["--emit slurm"]),
                                   (["--emit", "slurm", "--time", "abc"], ["--time must be a Slurm time limit"]),
                                   (["--emit", "slurm", "--time", "1:00\n#SBATCH --x"], ["--time must be"]),
                                   (["--emit", "slurm", "--mem", "4X"], ["--mem must be a Slurm memory size"]),
                                   (["--emit", "slurm", "--partition", ""], ["--partition must be"])] {
            let result = try CommandRunner.run(["sweep", "--out", out] + (arguments.first == "--connectome" || arguments.isEmpty ? [] : ["--connectome", "default"]) + arguments, in: dir)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "'\(word)' in \(result.stderr)") }
        }
        let collect = try CommandRunner.run(["collect", dir.path], in: dir)
        XCTAssertEqual(collect.status, 1)
        XCTAssertEqual(collect.stderrLines.count, 1, collect.stderr)
        XCTAssertTrue(collect.stderr.contains("manifest.json does not exist"), collect.stderr)
    }

    /// Two base files of one name would be pooled by collect; another grid in a sweep's
    /// directory would orphan its runs and renumber a submitted array's tasks.
    func testBasesOfOneNameAndAnotherGridInTheSameDirectoryAreRefused() throws {
        let base = try String(contentsOf: TestLocations.packageRoot.appendingPathComponent("Connectomes/default.yaml"), encoding: .utf8)
        try base.write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try base.write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("sweep").path
        for (bases, words) in [(["a.yaml", "b.yaml"], ["a.yaml and b.yaml are both named 'default'", "name: field"]),
                               (["a.yaml", "a.yaml"], ["a.yaml is given twice"])] {
            let result = try CommandRunner.run(["sweep"] + bases.flatMap { ["--connectome", $0] } + ["--grid", "seed=1", "--out", out, "--emit", "slurm"], in: dir)
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "'\(word)' in \(result.stderr)") }
        }
        let first = ["sweep", "--connectome", "a.yaml", "--grid", "seed=1,2", "--out", out, "--emit", "slurm"]
        XCTAssertEqual(try CommandRunner.run(first, in: dir).status, 0)
        XCTAssertEqual(try CommandRunner.run(first, in: dir).status, 0, "the same sweep again is fine")
        let manifest = try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))
        // The same runs with the values in another order are the same sweep: its manifest (and
        // so a submitted array's task numbers) is kept as it was.
        let reordered = try CommandRunner.run(["sweep", "--connectome", "a.yaml", "--grid", "seed=2,1", "--out", out, "--emit", "slurm"], in: dir)
        XCTAssertEqual(reordered.status, 0, reordered.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")), manifest, "the manifest keeps its order")
        let other = try CommandRunner.run(["sweep", "--connectome", "a.yaml", "--grid", "seed=3,4", "--out", out, "--emit", "slurm"], in: dir)
        XCTAssertNotEqual(other.status, 0)
        XCTAssertEqual(other.stderrLines.count, 1, other.stderr)
        XCTAssertTrue(other.stderr.contains("holds another sweep (2 runs over seed): choose another --out"), other.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")), manifest, "the manifest is kept")

        // The same grid over an edited base of the same name: its runs are of another configuration.
        let edited = base.replacingOccurrences(of: "eta_w: 0.1", with: "eta_w: 0.05")
        XCTAssertNotEqual(edited, base)
        try edited.write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        let changed = try CommandRunner.run(first, in: dir)
        XCTAssertNotEqual(changed.status, 0)
        XCTAssertEqual(changed.stderrLines.count, 1, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("holds runs of another configuration"), changed.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json")), manifest, "the manifest is kept")
    }

    func testListValuesAndSeveralConnectomesAreAxes() throws {
        let out = dir.appendingPathComponent("sw")
        let result = try CommandRunner.run(["sweep"] + Self.small + ["--connectome", "ablation-all-plastic", "--grid", "epochs=1",
                                                                      "--grid", "plastic=[W,V,Vbar,Wbar],[W,Vbar]", "--out", out.path,
                                                                      "--emit", "slurm"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let runs = try manifestRuns(out)
        XCTAssertEqual(runs.map { $0["output"] as! String }, [
            "runs/connectome-default_plastic-W+V+Vbar+Wbar.h5", "runs/connectome-default_plastic-W+Vbar.h5",
            "runs/connectome-ablation-all-plastic_plastic-W+V+Vbar+Wbar.h5", "runs/connectome-ablation-all-plastic_plastic-W+Vbar.h5"])
        let yaml = try String(contentsOf: out.appendingPathComponent("runs/connectome-ablation-all-plastic_plastic-W+Vbar.yaml"), encoding: .utf8)
        XCTAssertTrue(yaml.contains("plastic: [W, Vbar]") && yaml.contains("input: 16"), yaml)
        let script = try String(contentsOf: out.appendingPathComponent("sweep.slurm"), encoding: .utf8)
        XCTAssertTrue(script.contains("#SBATCH --array=0-3\n"), script)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(runs[0]["output"] as! String).path), "--emit runs nothing")
    }
}
