import ArgumentParser
import Foundation
import SelfAssemble
import SelfAssembleReport
import SelfAssembleStore

/// `selfassemble report`: when and where the four-synapse motif assembled, with figures and
/// anatomical statistics. The analysis lives in SelfAssembleReport; this command only reads
/// options, prints and writes.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report when and where the four-synapse motif assembled, with figures and anatomical statistics.",
        discussion: """
            Reads a run file (complete or not) and re-runs the assembly detection on its stored metrics with \
            the thresholds below, then measures the anatomy at the first snapshot, the end of development and \
            the last snapshot: the strongest synapses of each projection, reciprocal pairs and signed \
            four-synapse motifs against a null model that relabels each projection's cells, singular-value \
            spectra and cell correlations. Prints a short summary; --out DIR also writes DIR/report.md, \
            DIR/report.json and SVG figures; --json prints the JSON on stdout (the summary then goes to stderr).
            """)

    @Argument(help: ArgumentHelp("The run file (.h5) written by 'selfassemble simulate'.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Write report.md, report.json and the SVG figures into this directory (created if needed; an older report in it is replaced, its figures included, and other files are kept).", valueName: "dir"))
    var out: String?

    @Flag(help: "Print the report as JSON on stdout (the terminal summary goes to stderr).")
    var json = false

    @Option(name: .customLong("top-percent"), parsing: .unconditional, help: ArgumentHelp("q: keep the strongest q% of each projection's synapses.", valueName: "q"))
    var topPercent: Double = 10

    @Option(name: .customLong("null-samples"), parsing: .unconditional, help: "Samples of the relabelling null per level and snapshot (at least 2).")
    var nullSamples: Int = ReportOptions().nullSamples

    @Option(name: .customLong("reciprocity-threshold"), parsing: .unconditional, help: "Detector threshold of reciprocity.")
    var reciprocityThreshold: Double = 0.9

    @Option(name: .customLong("descending-threshold"), parsing: .unconditional, help: "Detector threshold of descending consistency (levels 2 and up).")
    var descendingThreshold: Double = 0.5

    @Option(name: .customLong("alignment-threshold"), parsing: .unconditional, help: "Detector threshold of alignment_H.")
    var alignmentThreshold: Double = 0.8

    @Option(parsing: .unconditional, help: ArgumentHelp("K: consecutive snapshots that must all pass.", valueName: "K"))
    var consecutive: Int = 3

    @Option(parsing: .unconditional, help: "Seed of the null model (default: the run's seed), so that reports are deterministic.")
    var seed: UInt64?

    @Option(name: .customLong("z-threshold"), parsing: .unconditional, help: "z-score from which a count is called over-represented (it must also beat every null sample).")
    var zThreshold: Double = 4

    func run() throws {
        var options = ReportOptions()
        options.thresholds = AssemblyThresholds(reciprocity: reciprocityThreshold, descending: descendingThreshold,
                                                alignmentH: alignmentThreshold, consecutive: consecutive)
        options.topPercent = topPercent
        options.nullSamples = nullSamples
        options.seed = seed
        options.zThreshold = zThreshold
        do {
            options = try options.validated()
        } catch let error as ReportError {
            throw ValidationError(error.message)
        }

        let reader = try RunReader(path: file)
        let live = Terminal.standardErrorIsTerminal
        let report = try MotifReport.make(from: reader, options: options) { message in
            if live { Terminal.standardErrorRaw("\r\u{1B}[K" + String(("report: " + message).prefix(Terminal.standardErrorColumns - 1))) }
        }
        if live { Terminal.standardErrorRaw("\r\u{1B}[K") }

        var summary = TerminalSummary.lines(report)
        if let out {
            let written = try ReportDirectory.write(report, to: out)
            let figures = written.filter { $0.hasSuffix(".svg") }.count
            summary.append("  written: \(written[0]), \(written[1]) and \(figures) SVG figures in \(out)")
        }
        if json {
            Terminal.standardOutput(try ReportJSON.string(report))
            summary.forEach(Terminal.standardError)
        } else {
            summary.forEach(Terminal.standardOutput)
        }
    }
}
