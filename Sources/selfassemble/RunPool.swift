import Foundation
import SelfAssemble
import SelfAssembleConnectome
import SelfAssembleStore

/// One run of many: a resolved configuration and the run file it writes. The definition
/// (YAML) is written beside the run file, so every run can be repeated on its own with
/// `selfassemble simulate --connectome <definition>`.
struct PlannedRun: Sendable {
    /// A name for progress lines and tables, e.g. "fa seed 2".
    var label: String
    var configuration: SimulationConfiguration
    var outputPath: String
    var definitionPath: String { (outputPath as NSString).deletingPathExtension + ".yaml" }
}

/// What became of a planned run.
struct FinishedRun: Sendable {
    var run: PlannedRun
    /// Seconds it took; nil when a complete file of the same configuration was kept.
    var seconds: Double?
    /// Why the run failed (its last line on stderr); nil: it completed. Only a pool that
    /// keeps going after a failure (``RunPool/keepGoing``) returns failed runs.
    var failure: String? = nil
}

/// Runs many runs, in this process one after the other (`jobs` 1) or as up to `jobs` child
/// processes of this executable at once (`selfassemble simulate --connectome ... --out ...`).
/// A run whose output is already complete with the same configuration is skipped, and one
/// whose output is incomplete (killed or interrupted) with the same configuration is continued
/// (`simulate --resume`), so an interrupted batch continues where it stopped; an incomplete
/// output of another configuration is replaced; a complete or incomplete output whose data
/// file changed since (``dataChange(since:of:)``) is run again and replaced, with a line saying why; a complete output of another configuration
/// stops the batch before anything runs. Shared by
/// `compare` and `sweep` (which also runs one run of its manifest per Slurm array task).
struct RunPool {
    var jobs: Int
    /// One line per started and finished run (stderr); nil: silent.
    var log: ((String) -> Void)?
    /// The subcommand whose batch this is: running it again continues an interrupted batch.
    var command = "compare"
    /// false: the first failed run stops the batch (the others are stopped and it throws), as
    /// `compare` needs every run for its table. true: a failed run is returned with its
    /// reason and the others go on, as the independent runs of a sweep can.
    var keepGoing = false
    /// Called whenever a run starts or ends, and about once a second while runs are under way.
    var progress: ((PoolStatus) -> Void)?

    /// A run still to do: new, or continuing the incomplete file at `continuing`.
    struct Pending {
        var run: PlannedRun
        var continuing: String?
    }

    func execute(_ runs: [PlannedRun]) throws -> [FinishedRun] {
        var pending = [Pending](), results = [Int: FinishedRun]()
        for (i, run) in runs.enumerated() {
            if try Self.isComplete(run) {
                if let change = Self.dataChange(since: run.outputPath, of: run) {
                    log?("\(run.label): running it again, replacing \(run.outputPath) once done: \(change)")
                    pending.append(Pending(run: run, continuing: nil))
                } else {
                    results[i] = FinishedRun(run: run, seconds: nil)
                    log?("\(run.label): kept \(run.outputPath) (complete)")
                }
            } else {
                var continuing = Self.continuable(run)
                if let path = continuing, let change = Self.dataChange(since: path, of: run) {
                    log?("\(run.label): starting it anew instead of continuing \(path): \(change)")
                    continuing = nil
                }
                pending.append(Pending(run: run, continuing: continuing))
            }
        }
        let indexOf = Dictionary(runs.enumerated().map { ($1.outputPath, $0) }, uniquingKeysWith: { first, _ in first })
        let status = PoolStatus(total: runs.count, kept: results.count, jobs: jobs)
        do {
            for run in pending.map(\.run) { try Self.writeDefinition(run) }
            progress?(status)
            let finished = jobs <= 1 ? try runInProcess(pending, status: status) : try runAsChildren(pending, status: status)
            for f in finished { results[indexOf[f.run.outputPath]!] = f }
        } catch {
            Self.removeDefinitionsWithoutRuns(pending.map(\.run))
            throw error
        }
        return runs.indices.map { results[$0]! }
    }

    /// Writes the run's resolved definition beside its output (`simulate --connectome` of it
    /// repeats the run; a Slurm array task reads it).
    static func writeDefinition(_ run: PlannedRun) throws {
        try definition(of: run).write(toFile: run.definitionPath, atomically: true, encoding: .utf8)
    }

    /// The text of the run's resolved definition.
    static func definition(of run: PlannedRun) -> String {
        ConnectomeFile.render(Connectome(name: run.label, description: "one run of a batch", configuration: run.configuration))
    }

    /// After a failure: the definitions of runs that left no run file (never started, or
    /// failed and removed theirs) are removed, so that no half a batch is left behind; a run
    /// file that is kept (complete, or partial to be continued) keeps its definition.
    static func removeDefinitionsWithoutRuns(_ runs: [PlannedRun]) {
        for run in runs where !FileManager.default.fileExists(atPath: run.outputPath)
            && !FileManager.default.fileExists(atPath: RunWriter.partialPath(replacing: run.outputPath)) {
            try? FileManager.default.removeItem(atPath: run.definitionPath)
        }
    }

    /// This executable's real path, for its child runs: argv[0] may be a bare name found
    /// through PATH or a relative symlink, which a path relative to the current directory
    /// would not find. Linux's /proc/self/exe names the running file itself.
    static func executablePath() -> String {
        if let real = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return real }
        return Bundle.main.executablePath ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    }

    /// True when the output exists, is complete and holds this configuration; throws when it
    /// is complete with another configuration (never replaced without being asked).
    static func isComplete(_ run: PlannedRun) throws -> Bool {
        guard FileManager.default.fileExists(atPath: run.outputPath) else { return false }
        guard let reader = try? RunReader(path: run.outputPath), reader.isComplete else { return false }
        let stored = try SimulationConfiguration(json: reader.configurationJSON)
        guard stored == run.configuration else {
            throw ConfigurationError("\(run.outputPath) is a complete run of another configuration: remove it or choose another --out")
        }
        return true
    }

    /// Why the run file at `path` (of this run's configuration) no longer matches its data: the
    /// data fingerprint of its last checkpoint (``SimulationCheckpoint/dataFingerprint``, the
    /// one `--resume` checks) differs from that of the data at the configuration's path now (a
    /// data file edited since). nil when they match, for the embedded synthetic task (it cannot
    /// change), for files without a fingerprint, and when the data cannot be read now (the
    /// run then fails with that reason if it is run).
    static func dataChange(since path: String, of run: PlannedRun) -> String? {
        guard let dataPath = run.configuration.data, let reader = try? RunReader(path: path), reader.snapshotCount > 0,
              let stored = try? reader.checkpoint(snapshot: reader.snapshotCount - 1).dataFingerprint,
              let current = try? SimulationRun.loadData(run.configuration).fingerprint, stored != current else { return nil }
        return "the data at \(dataPath) have changed since it was run (fingerprint then \(stored), now \(current))"
    }

    /// The incomplete run file (killed or interrupted) of this run to continue: its partial
    /// replacement or the output itself, when it holds a snapshot and this configuration.
    /// nil: start it anew (an incomplete file of another configuration is replaced).
    static func continuable(_ run: PlannedRun) -> String? {
        [RunWriter.partialPath(replacing: run.outputPath), run.outputPath].first { path in
            guard FileManager.default.fileExists(atPath: path), let reader = try? RunReader(path: path),
                  !reader.isComplete, reader.snapshotCount > 0 else { return false }
            return (try? reader.configuration()) == run.configuration
        }
    }

    private func describe(_ pending: Pending) -> String {
        pending.continuing.map { "continuing \($0)" } ?? "running -> \(pending.run.outputPath)"
    }

    private func runInProcess(_ runs: [Pending], status: PoolStatus) throws -> [FinishedRun] {
        var status = status
        return try runs.enumerated().map { index, pending in
            let run = pending.run
            log?("\(run.label): \(describe(pending))")
            let started = Date()
            status.running = [started]
            progress?(status)
            let start: SimulationRun.Start = pending.continuing.map { .resume(path: $0) }
                ?? .new(run.configuration, outputPath: run.outputPath, overwrite: true, compressionLevel: RunWriter.defaultCompressionLevel,
                        connectome: try? String(contentsOfFile: run.definitionPath, encoding: .utf8))
            defer { status.running = []; progress?(status) }
            do {
                _ = try SimulationRun(start: start, reporter: ProgressReporter.make(json: false, quiet: true)).execute()
            } catch let interrupted as RunInterrupted {
                throw BatchInterrupted(signal: interrupted.signal, runs: [run.label], waiting: runs.count - index - 1, command: command)
            } catch where keepGoing {
                let reason = CommandLineFailure.oneLine(String(describing: error))
                log?("\(run.label): failed: \(reason)")
                status.failed += 1
                return FinishedRun(run: run, seconds: Date().timeIntervalSince(started), failure: reason)
            }
            let seconds = Date().timeIntervalSince(started)
            log?("\(run.label): done in \(String(format: "%.1f", seconds)) s")
            status.finished(seconds: seconds)
            return FinishedRun(run: run, seconds: seconds)
        }
    }

    /// True when the run has a file marked interrupted (its partial replacement or its output):
    /// a run stopped by a signal before it created its file has none.
    static func hasInterruptedFile(_ run: PlannedRun) -> Bool {
        [RunWriter.partialPath(replacing: run.outputPath), run.outputPath].contains { path in
            FileManager.default.fileExists(atPath: path) && (try? RunReader(path: path))?.status == RunLayout.Status.interrupted
        }
    }

    /// True when a child `simulate` ended with its run file complete: exit 0, or
    /// ``RunDiverged/exitCode`` (learning diverged, which a comparison or a sweep records as a
    /// result, not a failure).
    static func completed(_ process: Process) -> Bool {
        process.terminationReason == .exit && (process.terminationStatus == 0 || process.terminationStatus == RunDiverged.exitCode)
    }

    /// Why a child run failed: the last line of its stderr, without the "selfassemble: error: "
    /// that the batch's own error line adds again.
    static func failure(stderr: Data, of process: Process) -> String {
        guard let last = String(decoding: stderr, as: UTF8.self).split(separator: "\n").last.map(String.init) else {
            return process.terminationReason == .uncaughtSignal ? "killed by \(signalName(process.terminationStatus))"
                : "exit code \(process.terminationStatus)"
        }
        let prefix = "selfassemble: error: "
        return last.hasPrefix(prefix) ? String(last.dropFirst(prefix.count)) : last
    }

    private func runAsChildren(_ runs: [Pending], status: PoolStatus) throws -> [FinishedRun] {
        let executable = Self.executablePath()
        // Caught here and passed on to the runs under way, which stop after a snapshot.
        SignalMonitor.install()
        var next = 0, running = [(process: Process, run: PlannedRun, started: Date, errors: Pipe)](), finished = [FinishedRun]()
        var status = status, reported = Date()
        func report() {
            status.running = running.map(\.started)
            progress?(status)
            reported = Date()
        }
        while next < runs.count || !running.isEmpty {
            if let signal = SignalMonitor.pending {
                for child in running where child.process.isRunning { kill(child.process.processIdentifier, signal) }
                for child in running { child.process.waitUntilExit() }
                let marked = running.filter { Self.hasInterruptedFile($0.run) }.map(\.run.label)
                throw BatchInterrupted(signal: signal, runs: marked,
                                       notStarted: running.map(\.run.label).filter { !marked.contains($0) },
                                       waiting: runs.count - next, command: command)
            }
            while running.count < jobs && next < runs.count {
                let pending = runs[next], run = pending.run
                next += 1
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = pending.continuing.map { ["simulate", "--resume", $0, "--quiet"] }
                    ?? ["simulate", "--connectome", run.definitionPath, "--out", run.outputPath, "--overwrite", "--quiet"]
                process.environment = ProcessInfo.processInfo.environment.merging([SignalMonitor.parentVariable: String(getpid())]) { $1 }
                let errors = Pipe()
                process.standardError = errors
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                log?("\(run.label): \(describe(pending)) (process \(process.processIdentifier))")
                running.append((process, run, Date(), errors))
                report()
            }
            Thread.sleep(forTimeInterval: 0.05)
            if Date().timeIntervalSince(reported) >= 1 { report() }
            for (i, child) in running.enumerated().reversed() where !child.process.isRunning {
                let completed = Self.completed(child.process)
                // A run stopped by the same signal (Ctrl-C reaches the whole process group) is
                // interrupted, not failed: the next turn says so.
                if !completed && SignalMonitor.pending != nil { continue }
                running.remove(at: i)
                let seconds = Date().timeIntervalSince(child.started)
                guard completed else {
                    let message = Self.failure(stderr: child.errors.fileHandleForReading.readDataToEndOfFile(), of: child.process)
                    guard keepGoing else {
                        for other in running { other.process.terminate() }
                        throw ConfigurationError("\(child.run.label) failed: \(message)")
                    }
                    log?("\(child.run.label): failed: \(message)")
                    status.failed += 1
                    finished.append(FinishedRun(run: child.run, seconds: seconds, failure: message))
                    report()
                    continue
                }
                log?("\(child.run.label): done in \(String(format: "%.1f", seconds)) s")
                status.finished(seconds: seconds)
                finished.append(FinishedRun(run: child.run, seconds: seconds))
                report()
            }
        }
        return finished
    }
}


/// Where a batch of runs stands, for a progress line: runs done (kept complete ones
/// included), under way, failed, and an estimate of the time left from the runs finished so
/// far (nil until one has finished in this batch).
struct PoolStatus: Sendable {
    var total: Int
    /// Complete outputs kept from before; counted as done.
    var kept: Int
    var jobs: Int
    var failed = 0
    /// When each run under way started.
    var running: [Date] = []
    /// Seconds of each run finished in this batch.
    private(set) var durations: [Double] = []

    init(total: Int, kept: Int, jobs: Int) {
        self.total = total
        self.kept = kept
        self.jobs = jobs
    }

    var done: Int { kept + durations.count }
    var waiting: Int { total - done - failed - running.count }

    mutating func finished(seconds: Double) { durations.append(seconds) }

    /// Seconds left: the mean duration of the runs finished so far for each waiting run, and
    /// what is left of it for each run under way, shared by the `jobs` processes.
    func secondsLeft(now: Date = Date()) -> Double? {
        guard !durations.isEmpty else { return nil }
        let mean = durations.reduce(0, +) / Double(durations.count)
        let underWay = running.map { max(0, mean - now.timeIntervalSince($0)) }.reduce(0, +)
        return (Double(waiting) * mean + underWay) / Double(max(1, min(jobs, waiting + running.count)))
    }
}
