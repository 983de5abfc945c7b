import ArgumentParser
import Foundation
import SelfAssemble
import SelfAssembleConnectome

/// `selfassemble sweep`: a grid over connectome fields, run on this machine in a pool of
/// processes or written as a Slurm job array.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a grid of parameters over a connectome: here (--jobs N) or as a Slurm job array (--emit slurm).",
        discussion: """
            Every combination of the --grid values is one run: DIR/runs/<parameters>.yaml (the resolved \
            connectome) and DIR/runs/<parameters>.h5; DIR/manifest.json and manifest.csv list them. Any \
            connectome field is an axis: by its path (learning.eta_w, levels[1].size, seed) or its unique \
            name (eta_w, ratio, downstream_activation). Values: 1,2,4,7.5 or a range 1..5 (whole numbers) or \
            0.5..2:0.5 (with a step); list values in brackets: "plastic=[W,V,Vbar,Wbar],[W,Vbar]". Running \
            the same sweep again keeps complete runs and continues incomplete ones from their last \
            snapshot. Then: selfassemble collect DIR. docs/reproduction.md has the paper's figures as sweeps.
            """)

    @Option(help: ArgumentHelp("The base circuit: a connectome file (.yaml) or the name of a shipped one; repeat it to sweep several (a 'connectome' column).", valueName: "file|name"))
    var connectome: [String] = []

    @Option(help: ArgumentHelp("An axis FIELD=VALUES, e.g. \"ratio=1,2,4,7.5\" or \"seed=1..5\"; repeat for more axes.", valueName: "field=values"))
    var grid: [String] = []

    @Option(help: ArgumentHelp("The sweep's directory (created if absent).", valueName: "dir"))
    var out: String = "sweep"

    @Option(parsing: .unconditional, help: "Runs at once, each a child process (1: one after the other, in this process).")
    var jobs: Int = 1

    @Option(help: ArgumentHelp("Write a batch script instead of running: 'slurm' (DIR/sweep.slurm, one array task per run).", valueName: "slurm"))
    var emit: String?

    // Unconditional, as the numeric options: `--mem -4G` is a value to refuse with a reason,
    // not a missing value followed by an unknown option.
    @Option(parsing: .unconditional, help: ArgumentHelp("Slurm partition (--emit slurm).", valueName: "name"))
    var partition: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Slurm time limit per task, e.g. 1:00:00 (--emit slurm).", valueName: "time"))
    var time: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Slurm memory per task, e.g. 4G (--emit slurm).", valueName: "size"))
    var mem: String?

    @Option(parsing: .unconditional, help: "Slurm CPUs per task (--emit slurm).")
    var cpus: Int = 1

    @Option(parsing: .unconditional, help: "At most this many array tasks at once (--emit slurm; Slurm's %N).")
    var throttle: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Run only run N of DIR's manifest (counted from 0), as a Slurm array task does; needs only --out.", valueName: "n"))
    var task: Int?

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be a positive integer, got \(jobs)") }
        if cpus < 1 { throw ValidationError("--cpus must be a positive integer, got \(cpus)") }
        if let throttle, throttle < 1 { throw ValidationError("--throttle must be a positive integer, got \(throttle)") }
        if let emit, emit != "slurm" { throw ValidationError("--emit takes 'slurm' (a Slurm job-array script), got '\(emit)'") }
        // Written into #SBATCH lines as they are: a value Slurm would reject, or a newline that
        // adds a line of its own, is refused here rather than at submission.
        if let partition, partition.range(of: #"^[A-Za-z0-9_.,-]+$"#, options: .regularExpression) == nil {
            throw ValidationError("--partition must be a Slurm partition name (letters, digits, _ . - , only), got '\(partition)'")
        }
        if let time, time.range(of: #"^(([0-9]+-)?[0-9]+(:[0-9]+){0,2}|UNLIMITED|INFINITE|unlimited|infinite)$"#, options: .regularExpression) == nil {
            throw ValidationError("--time must be a Slurm time limit such as 90, 2:00:00 or 1-12:00:00, got '\(time)'")
        }
        if let mem, mem.range(of: #"^[0-9]+[KMGTkmgt]?$"#, options: .regularExpression) == nil {
            throw ValidationError("--mem must be a Slurm memory size such as 4000 (MB) or 4G, got '\(mem)'")
        }
        if emit != nil && out.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" }) {
            throw ValidationError("--out \(out) contains a space or a quote, which a Slurm #SBATCH --output line cannot hold: choose a directory path without them")
        }
        if emit == nil && (partition != nil || time != nil || mem != nil || throttle != nil || cpus != 1) {
            throw ValidationError("--partition, --time, --mem, --cpus and --throttle are options of the Slurm script: add --emit slurm")
        }
        if let task {
            if task < 0 { throw ValidationError("--task is a run's index in the manifest, counted from 0; got \(task)") }
            if !connectome.isEmpty || !grid.isEmpty || emit != nil {
                throw ValidationError("--task runs one run of an existing sweep directory: give only --out DIR and --task N")
            }
        } else if connectome.isEmpty {
            throw ValidationError("missing --connectome: name the base circuit, e.g. --connectome digits or --connectome my-circuit.yaml")
        }
    }

    func run() throws {
        if let task { return try runTask(task) }
        // A bad grid spec or grid point is a usage error (exit 64), as every bad option value is.
        let axes: [GridAxis]
        do { axes = try grid.map(GridAxis.parse) } catch let error as GridError { throw ValidationError(error.description) }
        var fields = Set<String>()
        for axis in axes where !fields.insert(axis.field).inserted {
            throw ValidationError("--grid names \(axis.field) twice: give each field one axis with all its values")
        }
        let overridesData = fields.contains("data.path")
        let bases = try connectome.map { given in
            (given: given, connectome: try ConnectomeFile.load(path: try ConnectomeCatalog.resolve(nameOrPath: given), requireData: !overridesData))
        }
        // Every grid point is checked before anything is written.
        var plan: SweepPlan
        do {
            plan = try SweepPlan(bases: bases, axes: axes, directory: out)
        } catch let error as GridError {
            throw ValidationError(error.description)
        } catch let error as ConfigurationError {
            throw ValidationError(error.message)
        }
        // A rerun of the same sweep continues it (its values may be listed in another order:
        // the runs keep their places); another grid in the same directory would orphan its
        // runs and renumber the tasks of a Slurm array already submitted.
        if FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent(SweepManifest.fileName)) {
            let existing = try SweepManifest.read(directory: out)
            guard existing.isSameSweep(as: plan.manifest) else {
                throw ValidationError("\(out) holds another sweep (\(existing.runs.count) runs over \(existing.parameterNames.joined(separator: ", "))): choose another --out, or delete \(out) to replace it")
            }
            plan = plan.ordered(as: existing)
            // The same grid over an edited or other base circuit of the same name: its runs
            // (complete or to be continued) are of another configuration.
            for run in plan.runs where FileManager.default.fileExists(atPath: run.definitionPath) {
                guard (try? String(contentsOfFile: run.definitionPath, encoding: .utf8)) == RunPool.definition(of: run) else {
                    throw ValidationError("\(out) holds runs of another configuration (\(run.definitionPath) differs from what this sweep would run there; was the base connectome changed?): choose another --out, or delete \(out) to replace it")
                }
            }
        }
        try OutputDirectory.create(out, holding: "the sweep's runs and tables", example: "sweep")
        try FileManager.default.createDirectory(atPath: (out as NSString).appendingPathComponent("runs"), withIntermediateDirectories: true)
        try plan.manifest.write(directory: out)
        if emit != nil { return try emitSlurm(plan) }

        let progress = SweepProgress()
        let pool = RunPool(jobs: jobs, log: { progress.log($0) }, command: "sweep", keepGoing: true,
                           progress: { progress.update($0) })
        let finished = try pool.execute(plan.runs)
        progress.finish()
        let failed = finished.filter { $0.failure != nil }
        for run in failed { Terminal.standardError("sweep: failed: \(run.run.label): \(run.failure!)") }
        guard failed.isEmpty else {
            throw ConfigurationError("\(failed.count) of \(finished.count) runs failed (listed above); fix the cause and run the same `selfassemble sweep` again: the \(finished.count - failed.count) complete runs are kept")
        }
        print("sweep: \(finished.count) run\(finished.count == 1 ? "" : "s") complete in \(out); tables and plots: selfassemble collect \(out)")
    }

    /// One run of the manifest in this process (a Slurm array task).
    private func runTask(_ index: Int) throws {
        let manifest = try SweepManifest.read(directory: out)
        guard index < manifest.runs.count else {
            throw ValidationError("--task \(index) is beyond the \(manifest.runs.count) runs of \(out)/manifest.json (0 to \(manifest.runs.count - 1))")
        }
        let entry = manifest.runs[index]
        let dir = out as NSString
        let definition = try ConnectomeFile.load(path: dir.appendingPathComponent(entry.definition))
        let run = PlannedRun(label: entry.label, configuration: definition.configuration,
                             outputPath: dir.appendingPathComponent(entry.output))
        _ = try RunPool(jobs: 1, log: { Terminal.standardError("sweep task \(index): " + $0) }, command: "sweep --out \(SlurmScript.quote(out)) --task \(index)")
            .execute([run])
    }

    private func emitSlurm(_ plan: SweepPlan) throws {
        for run in plan.runs { try RunPool.writeDefinition(run) }
        let directory = URL(fileURLWithPath: out).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: (directory as NSString).appendingPathComponent("slurm"), withIntermediateDirectories: true)
        let script = SlurmScript(directory: directory, executable: RunPool.executablePath(), runs: plan.runs.count,
                                 jobName: "selfassemble-" + URL(fileURLWithPath: directory).lastPathComponent,
                                 partition: partition, time: time, memory: mem, cpus: cpus, throttle: throttle)
        let path = (directory as NSString).appendingPathComponent("sweep.slurm")
        try script.render().write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path): \(plan.runs.count) array task\(plan.runs.count == 1 ? "" : "s") (one per run of \(out)/manifest.json); submit it with: sbatch \(SlurmScript.quote(path))")
    }
}
