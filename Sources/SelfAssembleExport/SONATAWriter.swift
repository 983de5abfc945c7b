import Foundation
import SelfAssemble

/// Writes one snapshot as a SONATA circuit: nodes.h5 and node_types.csv (one node population
/// per stream), edges.h5 and edge_types.csv (one edge population per projection kind, then one
/// per kind of the rule's feedback pathways, e.g. feedback_B), and circuit_config.json tying
/// them together. The layout is documented in docs/export.md.
///
/// Node types are the model's groups (U_0 ... U_L, D_1 ... D_L; node_type_id = the group's
/// position in that list) and edge types its projections (W_1, V_1, Vbar_1, W_2, ..., then the
/// feedback pathways B_2, B_3, ...; edge_type_id = the position in ``ExportedCircuit/edgeSets``),
/// so that a SONATA tool can tell levels apart from the type tables alone.
struct SONATAWriter {
    static let nodesFile = "nodes.h5"
    static let edgesFile = "edges.h5"
    static let nodeTypesFile = "node_types.csv"
    static let edgeTypesFile = "edge_types.csv"
    static let configFile = "circuit_config.json"

    let circuit: ExportedCircuit

    /// The edge populations: one per projection kind that the circuit has (no Wbar with one
    /// level), then one per kind of the rule's feedback pathways (feedback_B, feedback_Bdirect, ...).
    var edgePopulations: [String] { circuit.edgePopulations }

    /// Writes every file into `directory` (which exists and is empty) and returns the number
    /// of edges of each edge population.
    func write(into directory: String) throws -> [(population: String, edges: Int)] {
        try writeNodes(directory + "/" + Self.nodesFile)
        let counts = try writeEdges(directory + "/" + Self.edgesFile)
        try writeText(nodeTypes(), to: directory + "/" + Self.nodeTypesFile)
        try writeText(edgeTypes(), to: directory + "/" + Self.edgeTypesFile)
        try writeText(circuitConfig(), to: directory + "/" + Self.configFile)
        return counts
    }

    // MARK: - Nodes

    private func writeNodes(_ path: String) throws {
        let file = try SONATAHDF5File(creating: path)
        try file.createGroup("/nodes")
        let ids = circuit.nodeIDs
        let populations = circuit.architecture.populations
        for stream in SelfAssemble.Stream.allCases {
            let root = "/nodes/" + (stream == .upstream ? NodeIDs.upstreamPopulation : NodeIDs.downstreamPopulation)
            let groups = ids.groups(stream)
            var typeIDs = [Int64](), levels = [Int32](), cells = [UInt64]()
            for group in groups {
                let typeID = Int64(populations.firstIndex(of: group)!)
                typeIDs += Array(repeating: typeID, count: group.size)
                levels += Array(repeating: Int32(group.level), count: group.size)
                cells += (0..<group.size).map { UInt64($0) }
            }
            let count = ids.count(stream)
            try file.createGroup(root)
            try file.writeVector(typeIDs, at: root + "/node_type_id")
            // One node group ("0") holds every node of the population, in node-id order.
            try file.writeVector([UInt32](repeating: 0, count: count), at: root + "/node_group_id")
            try file.writeVector((0..<count).map { UInt64($0) }, at: root + "/node_group_index")
            try file.createGroup(root + "/0")
            try file.writeVector(levels, at: root + "/0/level")
            try file.writeVector(cells, at: root + "/0/cell_index")
        }
        try file.close()
    }

    // MARK: - Edges

    private func writeEdges(_ path: String) throws -> [(population: String, edges: Int)] {
        let file = try SONATAHDF5File(creating: path)
        try file.createGroup("/edges")
        let ids = circuit.nodeIDs
        let sets = circuit.edgeSets
        var counts = [(population: String, edges: Int)]()
        for population in edgePopulations {
            var sources = [Int](), targets = [Int](), types = [Int64](), weights = [Float]()
            var sourceStream = SelfAssemble.Stream.upstream, targetStream = SelfAssemble.Stream.upstream
            // The edge type of a set is its position in edgeSets (edge_types.csv).
            for (typeID, set) in sets.enumerated() where set.population == population {
                sourceStream = set.source.stream
                targetStream = set.target.stream
                let sourceOffset = ids.offset(of: set.source), targetOffset = ids.offset(of: set.target)
                let typeID = Int64(typeID)
                for synapse in circuit.synapses(set.weights) {
                    sources.append(sourceOffset + synapse.source)
                    targets.append(targetOffset + synapse.target)
                    types.append(typeID)
                    weights.append(synapse.weight)
                }
            }
            let root = "/edges/" + population
            try file.createGroup(root)
            try file.writeVector(sources.map { UInt64($0) }, at: root + "/source_node_id")
            try file.writeStringAttribute(on: root + "/source_node_id", "node_population", Self.population(sourceStream))
            try file.writeVector(targets.map { UInt64($0) }, at: root + "/target_node_id")
            try file.writeStringAttribute(on: root + "/target_node_id", "node_population", Self.population(targetStream))
            try file.writeVector(types, at: root + "/edge_type_id")
            try file.writeVector([UInt32](repeating: 0, count: weights.count), at: root + "/edge_group_id")
            try file.writeVector((0..<weights.count).map { UInt64($0) }, at: root + "/edge_group_index")
            try file.createGroup(root + "/0")
            try file.writeVector(weights, at: root + "/0/syn_weight")
            try file.createGroup(root + "/indices")
            for (name, nodeIDs, stream) in [("source_to_target", sources, sourceStream), ("target_to_source", targets, targetStream)] {
                let index = SONATAIndex(nodeIDs: nodeIDs, nodeCount: ids.count(stream))
                try file.createGroup(root + "/indices/" + name)
                try file.writePairs(index.nodeToRanges, at: root + "/indices/\(name)/node_id_to_ranges")
                try file.writePairs(index.rangeToEdges, at: root + "/indices/\(name)/range_to_edge_id")
            }
            counts.append((population, weights.count))
        }
        try file.close()
        return counts
    }

    static func population(_ stream: SelfAssemble.Stream) -> String {
        stream == .upstream ? NodeIDs.upstreamPopulation : NodeIDs.downstreamPopulation
    }

    // MARK: - Type tables and config

    /// SONATA's CSV dialect: space-separated columns, UNIX line ends.
    private func nodeTypes() -> String {
        var lines = ["node_type_id population group stream level cells model_type model_template"]
        for (typeID, group) in circuit.architecture.populations.enumerated() {
            // U_0 receives the task input and is not simulated as a cell (SONATA's "virtual":
            // a source of activity only); every other group is a rate unit.
            let (modelType, template) = group.isInput ? ("virtual", "NULL") : ("point_neuron", "selfassemble:rate_unit")
            lines.append("\(typeID) \(Self.population(group.stream)) \(group.name) \(group.stream.rawValue) \(group.level) \(group.size) \(modelType) \(template)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func edgeTypes() -> String {
        var lines = ["edge_type_id population projection kind level source_group target_group compartment"]
        for (typeID, set) in circuit.edgeSets.enumerated() {
            lines.append("\(typeID) \(set.population) \(set.name) \(set.kind) \(set.level) \(set.source.name) \(set.target.name) \(set.compartment)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func circuitConfig() throws -> String {
        let nodePopulations = [NodeIDs.upstreamPopulation, NodeIDs.downstreamPopulation]
            .map { "\"\($0)\": {\"type\": \"point_neuron\"}" }.joined(separator: ", ")
        let edgePopulationsJSON = edgePopulations.map { "\"\($0)\": {\"type\": \"chemical\"}" }.joined(separator: ", ")
        let source = try Self.jsonString(circuit.runPath)
        return """
            {
              "manifest": {"$NETWORK_DIR": "."},
              "components": {},
              "networks": {
                "nodes": [
                  {
                    "nodes_file": "$NETWORK_DIR/\(Self.nodesFile)",
                    "node_types_file": "$NETWORK_DIR/\(Self.nodeTypesFile)",
                    "populations": {\(nodePopulations)}
                  }
                ],
                "edges": [
                  {
                    "edges_file": "$NETWORK_DIR/\(Self.edgesFile)",
                    "edge_types_file": "$NETWORK_DIR/\(Self.edgeTypesFile)",
                    "populations": {\(edgePopulationsJSON)}
                  }
                ]
              },
              "selfassemble": {"run_file": \(source), "step": \(circuit.step), "snapshot_index": \(circuit.snapshotIndex), "threshold": \(circuit.threshold)}
            }

            """
    }

    static func jsonString(_ text: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(text), as: UTF8.self)
    }

    private func writeText(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ExportError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
