import ArgumentParser
import Foundation
import SelfAssemble
import SelfAssembleConnectome
import SelfAssembleData
import SelfAssembleStore

/// `selfassemble simulate`: development, then learning, with snapshots to an HDF5 file.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a circuit: a development phase of spontaneous activity, then a learning phase.",
        discussion: """
            With no options it runs the embedded default: sizes 64,128,128,10, ratio 2, on a synthetic \
            classification task generated from the seed (10 classes, each a mixture of 3 Gaussian clusters \
            in 64 dimensions; 2,000 training and 500 test samples), and writes run-seed<SEED>.h5. \
            SIGINT or SIGTERM stops a run after writing a snapshot; --resume FILE continues it. \
            Exit status: 0 the run completed; 3 learning diverged (the file is complete and valid, \
            up to the divergence); 1 a failure; 64 bad options; 130 or 143 interrupted.
            """)

    @OptionGroup var choice: SeedAndRuleOptions
    @OptionGroup var circuit: CircuitOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("A circuit definition (.yaml, see Connectomes/), or the name of a shipped one (see 'selfassemble connectomes'); the options above override single fields.", valueName: "file|name"))
    var connectome: String?

    @Option(help: ArgumentHelp("Continue a killed or interrupted run from its last snapshot, with its stored configuration (a FILE.partial left by --overwrite replaces FILE when it completes; a copy of it under another name completes in place and leaves FILE alone).", valueName: "file"))
    var resume: String?

    func validate() throws {
        if resume != nil {
            if !choice.isEmpty || !circuit.isEmpty || connectome != nil || output.out != nil || output.compareBP || output.overwrite
                || output.compression != nil {
                throw ValidationError("--resume continues a run with the configuration stored in its file: give no other option than --json or --quiet")
            }
        }
        if let level = output.compression, !(0...9).contains(level) {
            throw ValidationError("--compression must be 0 (none) to 9 (smallest file), got \(level)")
        }
    }

    func run() throws {
        let reporter = ProgressReporter.make(json: output.json, quiet: output.quiet)
        let start: SimulationRun.Start
        if let resume {
            start = .resume(path: resume)
        } else {
            let definition = try loadConnectome()
            // Development applies only to rules that use the motif (as in compare and --compare-bp).
            var configuration = try circuit.resolved(over: try choice.applied(to: definition.configuration))
            let ignored = circuit.ignoredOptions(for: configuration.rule)
            if !ignored.isEmpty {
                // Kept a warning, not an error: one set of options can serve several rules.
                reporter.warn("rule \(configuration.rule.rawValue) does not use the motif (only rule circuit does): it has no development and no V, Vbar or Wbar to learn or teach with, so \(ignored.joined(separator: ", ")) \(ignored.count == 1 ? "is" : "are") ignored (its learning is the same without \(ignored.count == 1 ? "it" : "them"))")
            }
            if let warning = circuit.targetPropagationWarning(rules: [configuration.rule]) { reporter.warn(warning) }
            configuration = configuration.withDevelopmentOnlyForMotif().withAbsoluteDataPath()
            if output.compareBP { configuration.compareBackprop = true }
            // The data's default normalization, stated in the stored configuration.
            configuration.normalization = configuration.normalization ?? DataLoader.defaultNormalization(path: configuration.data)
            // The resolved definition goes into the run file: `--connectome` of it repeats the run.
            let resolved = Connectome(name: definition.name, description: definition.description, configuration: configuration)
            start = .new(configuration, outputPath: output.outputPath(seed: configuration.seed), overwrite: output.overwrite,
                         compressionLevel: output.compression ?? RunWriter.defaultCompressionLevel, connectome: ConnectomeFile.render(resolved))
        }
        let outcome = try SimulationRun(start: start, reporter: reporter).execute()
        reporter.finish(outcome)
        if let step = outcome.summary.divergedAtStep {
            let development = if case .development = outcome.summary.divergenceCause { true } else { false }
            throw RunDiverged(step: step, path: outcome.outputPath, what: development ? "development" : "learning")
        }
    }
}

extension Simulate {
    /// The circuit definition named by --connectome, or the embedded default.
    private func loadConnectome() throws -> Connectome {
        guard let connectome else {
            return Connectome(name: "default", description: "the embedded default", configuration: SimulationConfiguration())
        }
        let path = try ConnectomeCatalog.resolve(nameOrPath: connectome)
        // A --data option replaces the file's data, so its data need not exist.
        return try ConnectomeFile.load(path: path, requireData: circuit.data == nil)
    }
}

/// Output and reporting options of `simulate`.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The HDF5 file to write (default: run-seed<SEED>.h5).", valueName: "file"))
    var out: String?

    @Flag(help: "Replace the output file if it is a selfassemble run (or empty), once the new run has succeeded: until then it is written to FILE.partial and FILE stays as it was (by default an existing file is never overwritten; a data file or another HDF5 file never is).")
    var overwrite = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Deflate level of the weight snapshots (with shuffle), 0 (none) to 9 (smallest file). Default: 0 (weights barely compress: level 1 saves about 14% of the file for half again the run's CPU time).", valueName: "level"))
    var compression: Int?

    @Flag(name: .customLong("compare-bp"), help: "Also train backpropagation on the same network, data, seed and budget, and report both.")
    var compareBP = false

    @Flag(help: "Machine-readable progress: one JSON object per line on stdout.")
    var json = false

    @Flag(help: "No progress output (the final summary is still printed).")
    var quiet = false

    func outputPath(seed: UInt64) -> String { out ?? "run-seed\(seed).h5" }

    func validate() throws {
        if json && quiet { throw ValidationError("--json and --quiet exclude each other: pick one") }
    }
}
