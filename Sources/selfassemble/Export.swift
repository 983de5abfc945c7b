import ArgumentParser
import Foundation
import SelfAssembleExport

/// `selfassemble export FILE OUTDIR`: the circuit of one snapshot for connectome tools, as
/// SONATA files or a CSV edge list. The work is CircuitExporter's (SelfAssembleExport).
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the circuit of one snapshot for connectome tools (SONATA or CSV edge list).",
        discussion: """
            Choose the snapshot with --step N (a step stored in the run; 'selfassemble inspect' lists them), \
            --step last, or --snapshot-index i. The output directory appears only once every file is written. \
            --overwrite replaces a previous export in OUTDIR (its files only, once the new ones are complete); \
            a directory that holds the run file or anything an export does not write is refused. \
            Layout and examples (libsonata, pandas, R): docs/export.md.
            """)

    @Argument(help: ArgumentHelp("The run file (.h5) written by 'selfassemble simulate'.", valueName: "file"))
    var file: String

    @Argument(help: ArgumentHelp("The directory to write: new, empty, or (with --overwrite) holding only a previous export.", valueName: "outdir"))
    var outputDirectory: String

    @Option(help: ArgumentHelp("sonata (nodes/edges HDF5, type tables, circuit config) or csv (one edge list).", valueName: "format"))
    var format: String = ExportFormat.sonata.rawValue

    @Option(parsing: .unconditional, help: ArgumentHelp("The snapshot's step (stored in /snapshots/step), or 'last'.", valueName: "N|last"))
    var step: String?

    @Option(name: .customLong("snapshot-index"), parsing: .unconditional, help: ArgumentHelp("The snapshot's 0-based position instead of its step.", valueName: "i"))
    var snapshotIndex: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Keep synapses with |weight| >= T; 0 keeps every synapse of the dense matrices.", valueName: "T"))
    var threshold: Double = 0

    @Flag(help: "Replace a previous export's files in the output directory (nothing else in it).")
    var overwrite = false

    func validate() throws {
        if step != nil && snapshotIndex != nil {
            throw ValidationError("--step and --snapshot-index exclude each other: pick one")
        }
        if step == nil && snapshotIndex == nil {
            throw ValidationError("choose the snapshot to export: --step N (a stored step; see 'selfassemble inspect FILE'), --step last, or --snapshot-index i")
        }
        if ExportFormat(rawValue: format.lowercased()) == nil {
            throw ValidationError("--format must be one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
        }
        // Bad values of options are usage errors (exit 64) before the file is read; the
        // exporter checks them again for other callers.
        if let step {
            do { _ = try SnapshotSelection(stepArgument: step) } catch { throw ValidationError(String(describing: error)) }
        }
        if let snapshotIndex, snapshotIndex < 0 {
            throw ValidationError("--snapshot-index must be a position >= 0 (0 is the first snapshot), got \(snapshotIndex)")
        }
        if !(threshold >= 0 && threshold.isFinite) {
            throw ValidationError("--threshold must be a finite number >= 0 (a weight magnitude), got \(threshold)")
        }
    }

    func run() throws {
        let selection: SnapshotSelection = try step.map(SnapshotSelection.init(stepArgument:)) ?? .index(snapshotIndex ?? 0)
        let request = ExportRequest(runPath: file, format: ExportFormat(rawValue: format.lowercased()) ?? .sonata,
                                    snapshot: selection, threshold: threshold, outputDirectory: outputDirectory, overwrite: overwrite)
        let result = try CircuitExporter.export(request)
        let nodes = result.nodes.keys.sorted(by: >).map { "\($0) \(result.nodes[$0]!)" }.joined(separator: ", ")
        let edges = result.edges.map { "\($0.population) \($0.count)" }.joined(separator: ", ")
        let what = result.format == .sonata ? "SONATA circuit" : "CSV edge list"
        Terminal.standardOutput("wrote \(outputDirectory): \(what) of \(file) at step \(result.step) (snapshot \(result.snapshotIndex))")
        Terminal.standardOutput("  nodes: \(nodes); edges: \(edges)")
        Terminal.standardOutput("  files: " + result.files.joined(separator: ", "))
        if threshold > 0 && result.edges.allSatisfy({ $0.count == 0 }) {
            Terminal.standardError("selfassemble: warning: no synapse has |weight| >= \(threshold), so every edge population is empty; lower --threshold (0 keeps every synapse)")
        }
    }
}
