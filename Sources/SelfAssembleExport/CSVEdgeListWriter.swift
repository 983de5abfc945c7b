import Foundation

/// Writes one snapshot as a plain edge list, edges.csv, for pandas, R or a spreadsheet:
///
///     source_population,source_id,target_population,target_id,kind,weight
///     U_0,3,U_1,0,W,-0.1234
///
/// Populations are the model's groups (U_0, D_2, ...) and ids the cell's index within its
/// group; one row per synapse that passes the threshold, projection by projection in the
/// model's order (then the rule's feedback pathways, kind `feedback_B`, `feedback_Bdirect`, ...),
/// then by target and source cell. Weights are printed with the fewest digits
/// that read back as the same float32, so the file holds exactly the stored weights.
struct CSVEdgeListWriter {
    static let fileName = "edges.csv"
    static let header = "source_population,source_id,target_population,target_id,kind,weight"

    let circuit: ExportedCircuit

    /// Writes edges.csv into `directory` and returns the number of rows (edges).
    func write(into directory: String) throws -> Int {
        let path = directory + "/" + Self.fileName
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw ExportError("cannot create \(path): check that the directory is writable")
        }
        defer { try? handle.close() }
        var buffer = Self.header + "\n"
        var rows = 0
        func flush() throws {
            do {
                try handle.write(contentsOf: Data(buffer.utf8))
            } catch {
                throw ExportError("cannot write \(path): \(error.localizedDescription) (is the disk full?)")
            }
            buffer = ""
        }
        for set in circuit.edgeSets {
            let prefix = set.source.name + ","
            let middle = "," + set.target.name + ","
            let suffix = "," + set.population + ","
            for synapse in circuit.synapses(set.weights) {
                buffer += prefix + String(synapse.source) + middle + String(synapse.target) + suffix + String(describing: synapse.weight) + "\n"
                rows += 1
                if buffer.utf8.count > 1 << 20 { try flush() }
            }
        }
        try flush()
        return rows
    }
}
