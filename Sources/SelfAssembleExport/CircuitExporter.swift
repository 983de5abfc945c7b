import Foundation
import SelfAssembleStore

/// The formats `selfassemble export` writes.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// SONATA nodes/edges HDF5 files, type tables and a circuit config (docs/export.md).
    case sonata
    /// One CSV edge list (edges.csv).
    case csv
}

/// What to export and where.
public struct ExportRequest: Sendable {
    public var runPath: String
    public var format: ExportFormat
    public var snapshot: SnapshotSelection
    /// Keep synapses with |weight| >= threshold; 0 keeps every entry of the dense matrices.
    public var threshold: Double
    public var outputDirectory: String
    /// Replace a previous export in the output directory (only its files: a directory that
    /// holds the run file or anything an export does not write is refused).
    public var overwrite: Bool

    public init(runPath: String, format: ExportFormat, snapshot: SnapshotSelection, threshold: Double = 0,
                outputDirectory: String, overwrite: Bool = false) {
        self.runPath = runPath
        self.format = format
        self.snapshot = snapshot
        self.threshold = threshold
        self.outputDirectory = outputDirectory
        self.overwrite = overwrite
    }
}

/// What an export wrote.
public struct ExportResult: Equatable, Sendable {
    public var directory: String
    public var format: ExportFormat
    /// The files written, relative to `directory`.
    public var files: [String]
    public var step: Int
    public var snapshotIndex: Int
    /// Cells per node population (SONATA: "upstream", "downstream").
    public var nodes: [String: Int]
    /// Edges per edge population (SONATA: "W", "V", "Vbar", "Wbar"; CSV: "all").
    public var edges: [(population: String, count: Int)]

    public var totalEdges: Int { edges.reduce(0) { $0 + $1.count } }

    public static func == (a: ExportResult, b: ExportResult) -> Bool {
        a.directory == b.directory && a.format == b.format && a.files == b.files && a.step == b.step
            && a.snapshotIndex == b.snapshotIndex && a.nodes == b.nodes
            && a.edges.elementsEqual(b.edges, by: { $0.population == $1.population && $0.count == $1.count })
    }
}

/// Exports the circuit of one snapshot of a run for connectome tools.
public enum CircuitExporter {
    /// Every file name an export writes, in either format: what `overwrite` may replace in an
    /// existing output directory (nothing else).
    public static let fileNames: Set<String> = [SONATAWriter.configFile, SONATAWriter.nodesFile, SONATAWriter.nodeTypesFile,
                                                SONATAWriter.edgesFile, SONATAWriter.edgeTypesFile, CSVEdgeListWriter.fileName]

    /// Reads the snapshot and writes it in the requested format. The output directory appears
    /// only when every file is complete; every failure is one line (ExportError or the run
    /// reader's StoreError) naming the problem and the fix.
    @discardableResult
    public static func export(_ request: ExportRequest) throws -> ExportResult {
        // The destination is checked before the (possibly large) run file is read.
        let output = try StagedDirectory(destination: request.outputDirectory, overwrite: request.overwrite,
                                         exportNames: fileNames, input: request.runPath)
        let reader = try RunReader(path: request.runPath)
        let circuit = try ExportedCircuit(reader: reader, selection: request.snapshot, threshold: request.threshold)
        let ids = circuit.nodeIDs
        let nodes = [NodeIDs.upstreamPopulation: ids.count(.upstream), NodeIDs.downstreamPopulation: ids.count(.downstream)]
        return try output.commit { directory in
            switch request.format {
            case .sonata:
                let counts = try SONATAWriter(circuit: circuit).write(into: directory)
                return ExportResult(
                    directory: output.destination, format: .sonata,
                    files: [SONATAWriter.configFile, SONATAWriter.nodesFile, SONATAWriter.nodeTypesFile,
                            SONATAWriter.edgesFile, SONATAWriter.edgeTypesFile],
                    step: circuit.step, snapshotIndex: circuit.snapshotIndex, nodes: nodes,
                    edges: counts.map { ($0.population, $0.edges) })
            case .csv:
                let rows = try CSVEdgeListWriter(circuit: circuit).write(into: directory)
                return ExportResult(
                    directory: output.destination, format: .csv, files: [CSVEdgeListWriter.fileName],
                    step: circuit.step, snapshotIndex: circuit.snapshotIndex, nodes: nodes, edges: [("all", rows)])
            }
        }
    }
}
