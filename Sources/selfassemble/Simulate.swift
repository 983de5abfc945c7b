import ArgumentParser
import Foundation
import SelfAssemble
import SelfAssembleData
import SelfAssembleStore

/// `selfassemble simulate`: development, then learning, with snapshots to an HDF5 file.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a circuit: a development phase of spontaneous activity, then a learning phase.",
        discussion: """
            With no options it runs the embedded default: sizes 64,128,128,10, ratio 2, on a synthetic \
            classification task generated from the seed (10 classes, each a mixture of 3 Gaussian clusters \
            in 64 dimensions; 2,000 training and 500 test samples), and writes run-seed<SEED>.h5.
            """)

    @OptionGroup var circuit: CircuitOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let configuration = try circuit.resolved()
        let reporter = ProgressReporter.make(json: output.json, quiet: output.quiet)
        let run = try SimulationRun(configuration: configuration, outputPath: output.outputPath(seed: configuration.seed),
                                    compareBackprop: output.compareBP, reporter: reporter)
        let outcome = try run.execute()
        reporter.finish(outcome)
    }
}

/// Output and reporting options of `simulate`.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The HDF5 file to write (default: run-seed<SEED>.h5).", valueName: "file"))
    var out: String?

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
