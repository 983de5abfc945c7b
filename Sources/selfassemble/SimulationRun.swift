import Foundation
import SelfAssemble
import SelfAssembleData
import SelfAssembleStore

/// What a finished `simulate` reports.
struct SimulationOutcome {
    var configuration: SimulationConfiguration
    var dataDescription: String
    var outputPath: String
    var summary: SimulationSummary
    var comparison: SimulationSummary?
    /// bp at its best weight decay from ``BackpropReference/weightDecayGrid``.
    var tunedComparison: TunedBackprop?
    var seconds: Double
    /// Time the run waited for the snapshot writer, and time the writer's thread spent writing.
    var storeWaitSeconds: Double
    var storeWriteSeconds: Double
    var snapshots: Int
    /// The step a continued run started from.
    var resumedFromStep: Int?
    /// The classes the training split has samples of.
    var classesPresent: [Int]
    /// The mean training loss of the epoch so far at the last step before learning diverged
    /// (nil when the run did not diverge or diverged at its first learning step); the same
    /// for the backpropagation comparison.
    var lossBeforeDivergence: Double?
    var comparisonLossBeforeDivergence: Double?
}

/// The last finite training loss a run reported, for saying what preceded a divergence.
final class LossTrace {
    private(set) var last: Double?

    func observe(_ event: SimulationEvent) {
        if case .progress(let p) = event, p.phase == .learning, p.trainLoss.isFinite { last = p.trainLoss }
    }
}

/// One `simulate`, from a resolved configuration (or a run file to continue) to a finished run
/// file. Everything that can be checked is checked before the file is created; a new run that
/// fails before its first snapshot removes its file again, and one that fails later (a full
/// disk) keeps its complete snapshots for --resume, so a failed run never leaves a half-written
/// file behind. A run that replaces an existing file (--overwrite) is written beside it, to
/// FILE.partial, and renamed over it only when complete: a failed or killed replacement leaves
/// FILE as it was and keeps the partial run for --resume where it can be continued. A continued run never
/// deletes its file: it keeps every snapshot it had.
struct SimulationRun {
    enum Start {
        case new(SimulationConfiguration, outputPath: String, overwrite: Bool, compressionLevel: Int, connectome: String?)
        case resume(path: String)
    }

    let start: Start
    let reporter: ProgressReporter

    /// Sets the run's OpenBLAS threads. A count the library cannot run (beyond the MAX_THREADS
    /// it was built with) is an error, not a silent cap: the run file records the count, and
    /// only the same count reproduces the run bit for bit.
    static func useThreads(_ threads: Int) throws {
        BLAS.setThreads(threads)
        let available = BLAS.threads
        guard available == threads else {
            throw ConfigurationError("--threads \(threads) is more than this OpenBLAS can run (at most \(available) threads, the MAX_THREADS it was built with): use 1 to \(available)")
        }
    }

    func execute() throws -> SimulationOutcome {
        let started = Date()
        SignalMonitor.install()
        switch start {
        case .new(let configuration, let outputPath, let overwrite, let compressionLevel, let connectome):
            // --overwrite replaces run files, not a data file or another HDF5 file that a
            // mistyped --out names.
            if overwrite { try RunWriter.checkReplaceable(outputPath) }
            try MemoryEstimate.check(configuration.validated())
            try Self.useThreads(configuration.threads)
            let data = try Self.loadData(configuration)
            var simulation = try Simulation(configuration: configuration, data: data)
            var metadata = try RunMetadata(simulation: simulation)
            metadata.connectome = connectome
            let writer = BackgroundRunWriter(try RunWriter(creating: outputPath, metadata: metadata, overwrite: overwrite,
                                                           compressionLevel: compressionLevel))
            do {
                return try run(&simulation, writer: writer, started: started, resumedFrom: nil)
            } catch let error as RunInterrupted {
                throw error
            } catch {
                throw Self.abandon(writer, after: error)
            }
        case .resume(let path):
            // The reader is closed before the writer opens the file (HDF5 shares one open file per process).
            let (point, startedWith) = try { () throws -> (ResumePoint, String?) in
                let reader = try RunReader(path: path)
                let partial = RunWriter.partialPath(replacing: path)
                if reader.isComplete && FileManager.default.fileExists(atPath: partial) {
                    throw ConfigurationError("\(path) is complete; the replacement of it that did not finish is \(partial): continue that with `selfassemble simulate --resume \(partial)`")
                }
                return (try reader.resumePoint(), reader.blas)
            }()
            try Self.useThreads(point.configuration.threads)
            // Another kernel sums each product in another order: the continued run is then not
            // bit-identical to one never stopped. Said, not refused: a user may mean it.
            let kernel = BLASKernel.current(environment: ProcessInfo.processInfo.environment).summary
            if let startedWith, startedWith != kernel {
                reporter.warn("the run was started with \(startedWith) and continues with \(kernel): the result is not bit-identical to a run never stopped (set OPENBLAS_CORETYPE and --threads as they were to make it so)")
            }
            let data = try Self.loadData(point.configuration)
            guard data.description == point.metadata.dataDescription else {
                throw ConfigurationError("the data have changed since \(path) was started (then: \(point.metadata.dataDescription); now: \(data.description)): a continued run must see the same data")
            }
            var simulation = try Simulation(configuration: point.configuration, data: data, resumingFrom: point.checkpoint,
                                            circuit: point.circuit)
            let writer = BackgroundRunWriter(try RunWriter(resuming: path, metadata: point.metadata))
            defer { writer.close() }
            if let replaced = writer.copyOfReplacementOf {
                reporter.warn("\(path) is a copy of a replacement of \(replaced) (only \(RunWriter.partialPath(replacing: replaced)) replaces it): it completes in place as \(path), and \(replaced) is left as it was")
            }
            do {
                return try run(&simulation, writer: writer, started: started, resumedFrom: point.checkpoint.step)
            } catch let error as RunInterrupted {
                throw error
            } catch {
                writer.close()
                throw RunFailure(error, then: "\(path) keeps its first \(writer.snapshotCount) snapshots: continue it again with `selfassemble simulate --resume \(path)` once the cause is fixed")
            }
        }
    }

    private func run(_ simulation: inout Simulation, writer: BackgroundRunWriter, started: Date,
                     resumedFrom: Int?) throws -> SimulationOutcome {
        let configuration = simulation.configuration
        reporter.begin(configuration: configuration, data: simulation.data, outputPath: writer.path,
                       totalSteps: simulation.totalSteps, resumedFrom: resumedFrom,
                       warnings: simulation.data.warnings(against: simulation.architecture))
        let trace = LossTrace(), comparisonTrace = LossTrace()
        let onEvent: (SimulationEvent) throws -> Void = { event in
            if case .snapshot(let snapshot) = event { try writer.append(snapshot) }
            trace.observe(event)
            reporter.report(event, run: configuration.rule.rawValue)
        }
        try simulation.start(onEvent)
        while !simulation.isFinished {
            try simulation.advance(onEvent)
            try stopIfSignalled(&simulation, writer: writer)
        }
        let summary = simulation.summary
        var comparison: SimulationSummary? = nil
        var tuned: TunedBackprop? = nil
        if configuration.compareBackprop {
            // bp at the circuit's settings, then at each weight decay of the grid (the circuit's
            // own is not run twice).
            func reference(weightDecay: Float?, label: String) throws -> SimulationSummary {
                let bp = BackpropReference.configuration(matching: configuration, weightDecay: weightDecay)
                var reference = try Simulation(configuration: bp, data: simulation.data)
                return try reference.run { event in
                    if weightDecay == nil { comparisonTrace.observe(event) }
                    reporter.report(event, run: label)
                    if let signal = SignalMonitor.pending {
                        try writer.markInterrupted()
                        throw RunInterrupted(signal: signal, step: summary.steps, lastSnapshotStep: summary.steps, path: writer.path,
                                             replacing: writer.replacing)
                    }
                }
            }
            let same = try reference(weightDecay: nil, label: "bp")
            comparison = same
            let grid = try BackpropReference.weightDecayGrid.map { lambda in
                (weightDecay: lambda,
                 summary: lambda == configuration.weightDecay ? same : try reference(weightDecay: lambda, label: "bp weight decay \(lambda)"))
            }
            tuned = BackpropReference.best(of: grid)
        }
        try writer.finish(summary: summary, comparison: comparison, tunedComparison: tuned)
        let (waited, writing) = writer.seconds
        return SimulationOutcome(configuration: configuration, dataDescription: simulation.data.description,
                                 outputPath: writer.destination, summary: summary, comparison: comparison, tunedComparison: tuned,
                                 seconds: Date().timeIntervalSince(started), storeWaitSeconds: waited,
                                 storeWriteSeconds: writing, snapshots: writer.snapshotCount, resumedFromStep: resumedFrom,
                                 classesPresent: simulation.data.classesPresent,
                                 lossBeforeDivergence: summary.divergedAtStep == nil ? nil : trace.last,
                                 comparisonLossBeforeDivergence: comparison?.divergedAtStep == nil ? nil : comparisonTrace.last)
    }

    /// After SIGINT or SIGTERM, between two steps (so a snapshot being written is finished):
    /// the file is marked and the run stops. No extra snapshot is written at the step reached,
    /// so that the continued run's file is the same as a run never interrupted; continuing
    /// recomputes the steps since the last snapshot.
    private func stopIfSignalled(_ simulation: inout Simulation, writer: BackgroundRunWriter) throws {
        guard let signal = SignalMonitor.pending else { return }
        try writer.markInterrupted()
        throw RunInterrupted(signal: signal, step: simulation.step, lastSnapshotStep: simulation.checkpoint.lastRecordedStep ?? 0,
                             path: writer.path, replacing: writer.replacing)
    }

    /// After a new run failed. Snapshots written before a clean failure (the disk or a quota
    /// ran out, which is found before a snapshot is written) are kept, so that --resume can
    /// continue the run once the cause is fixed: a long run is not lost to a full disk. A run
    /// with no snapshot yet, or whose file HDF5 failed to write (``BackgroundRunWriter/isDamaged``),
    /// is removed. A replacement leaves the file it replaces as it was in every case.
    static func abandon(_ writer: BackgroundRunWriter, after error: Error) -> Error {
        writer.close()
        let snapshots = writer.snapshotCount
        let keep = !writer.isDamaged && snapshots > 0
        if !keep { try? FileManager.default.removeItem(atPath: writer.path) }
        let kept = "first \(snapshots) snapshot\(snapshots == 1 ? "" : "s") are kept in \(writer.path): continue it with `selfassemble simulate --resume \(writer.path)`"
        guard let replaced = writer.replacing else {
            return RunFailure(error, then: keep ? "the run's \(kept) once the cause is fixed"
                                               : "\(writer.path) was removed (a new run that fails before its first snapshot leaves no file)")
        }
        guard keep else { return RunFailure(error, then: "\(replaced) is unchanged (the new run was removed)") }
        return RunFailure(error, then: "\(replaced) is unchanged; the new run's \(kept)")
    }

    /// The embedded synthetic task, or the data set at `configuration.data`, normalized as the
    /// configuration says.
    static func loadData(_ configuration: SimulationConfiguration) throws -> DataSplit {
        guard let path = configuration.data else {
            let task = GaussianClusters.task(for: configuration)
            guard let method = configuration.normalization, method != .none else { return task }
            var split = try task.normalized(method)
            split.description += ", " + method.phrase
            return split
        }
        return try DataLoader.load(path: path, testFraction: configuration.testFraction, seed: configuration.seed,
                                   normalization: configuration.normalization)
    }
}
