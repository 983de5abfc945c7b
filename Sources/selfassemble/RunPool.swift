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
}

/// Runs many runs, in this process one after the other (`jobs` 1) or as up to `jobs` child
/// processes of this executable at once (`selfassemble simulate --connectome ... --out ...`).
/// A run whose output is already complete with the same configuration is skipped, so an
/// interrupted batch continues where it stopped; an incomplete output is replaced; a complete
/// output of another configuration stops the batch before anything runs. Shared by
/// `compare` and the commands that sweep parameters.
struct RunPool {
    var jobs: Int
    /// One line per started and finished run (stderr); nil: silent.
    var log: ((String) -> Void)?

    func execute(_ runs: [PlannedRun]) throws -> [FinishedRun] {
        var pending = [PlannedRun](), results = [Int: FinishedRun]()
        for (i, run) in runs.enumerated() {
            if try Self.isComplete(run) {
                results[i] = FinishedRun(run: run, seconds: nil)
                log?("\(run.label): kept \(run.outputPath) (complete)")
            } else {
                pending.append(run)
            }
        }
        let indexOf = Dictionary(uniqueKeysWithValues: runs.enumerated().map { ($1.outputPath, $0) })
        for run in pending {
            try ConnectomeFile.render(Connectome(name: run.label, description: "one run of a batch",
                                                 configuration: run.configuration))
                .write(toFile: run.definitionPath, atomically: true, encoding: .utf8)
        }
        let finished = jobs <= 1 ? try pending.map(runInProcess) : try runAsChildren(pending)
        for f in finished { results[indexOf[f.run.outputPath]!] = f }
        return runs.indices.map { results[$0]! }
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

    private func runInProcess(_ run: PlannedRun) throws -> FinishedRun {
        log?("\(run.label): running -> \(run.outputPath)")
        let started = Date()
        _ = try SimulationRun(start: .new(run.configuration, outputPath: run.outputPath, overwrite: true, compressionLevel: 1,
                                          connectome: try? String(contentsOfFile: run.definitionPath, encoding: .utf8)),
                              reporter: ProgressReporter.make(json: false, quiet: true)).execute()
        let seconds = Date().timeIntervalSince(started)
        log?("\(run.label): done in \(String(format: "%.1f", seconds)) s")
        return FinishedRun(run: run, seconds: seconds)
    }

    private func runAsChildren(_ runs: [PlannedRun]) throws -> [FinishedRun] {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).path
        var next = 0, running = [(process: Process, run: PlannedRun, started: Date, errors: Pipe)](), finished = [FinishedRun]()
        while next < runs.count || !running.isEmpty {
            while running.count < jobs && next < runs.count {
                let run = runs[next]
                next += 1
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = ["simulate", "--connectome", run.definitionPath, "--out", run.outputPath, "--overwrite", "--quiet"]
                let errors = Pipe()
                process.standardError = errors
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                log?("\(run.label): running (process \(process.processIdentifier)) -> \(run.outputPath)")
                running.append((process, run, Date(), errors))
            }
            Thread.sleep(forTimeInterval: 0.05)
            for (i, child) in running.enumerated().reversed() where !child.process.isRunning {
                running.remove(at: i)
                let seconds = Date().timeIntervalSince(child.started)
                guard child.process.terminationStatus == 0 else {
                    let message = String(decoding: child.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                        .split(separator: "\n").last.map(String.init) ?? "exit code \(child.process.terminationStatus)"
                    for other in running { other.process.terminate() }
                    throw ConfigurationError("\(child.run.label) failed: \(message)")
                }
                log?("\(child.run.label): done in \(String(format: "%.1f", seconds)) s")
                finished.append(FinishedRun(run: child.run, seconds: seconds))
            }
        }
        return finished
    }
}
