import CHDF5
import Foundation
import SelfAssemble
import SelfAssembleExport
import SelfAssembleStore
import XCTest

/// The SONATA export as its clients see it: libsonata (the reference reader, run from Python)
/// opens every population and agrees with the stored weights; the HDF5 layout is also read
/// back here with the C library, so that it is checked even where libsonata is unavailable.
final class SONATAExportTests: XCTestCase {
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/check_sonata.py").path

    /// libsonata on the dense export of a mid-run snapshot, a thresholded one, and a
    /// one-level circuit (which has no Wbar).
    func testLibsonataReadsEveryPopulationAndAgreesWithTheStoredWeights() throws {
        let python = try Program.pythonWithLibsonata()
        let directory = try ScratchDirectory()
        let run = directory.file("run.h5")
        try ExportFixture.writeRun(to: run)
        let steps = try RunReader(path: run).steps()

        for (name, selection, index, threshold) in [("dense", SnapshotSelection.step(steps[4]), 4, 0.0),
                                                     ("strong", .last, steps.count - 1, 0.3),
                                                     ("none", .index(0), 0, 1000.0)] {
            let out = directory.file(name)
            try CircuitExporter.export(ExportRequest(runPath: run, format: .sonata, snapshot: selection, threshold: threshold, outputDirectory: out))
            let result = try Program.run(python, [Self.script, run, out, String(index), String(threshold)])
            XCTAssertEqual(result.status, 0, "libsonata disagrees (\(name)): \(result.output)")
            let json = try XCTUnwrap(try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.output)
            XCTAssertEqual(json["ok"] as? Bool, true, result.output)
            let checked = try XCTUnwrap(json["checked"] as? [String: Any])
            XCTAssertEqual(checked["node_populations"] as? [String: Int], ["upstream": 22, "downstream": 28])
            XCTAssertEqual((checked["edge_populations"] as? [String: Int])?.keys.sorted(), ["V", "Vbar", "W", "Wbar"])
            XCTAssertGreaterThan(checked["queries"] as? Int ?? 0, 20)
            if name == "dense" {
                XCTAssertEqual(checked["edge_populations"] as? [String: Int],
                               ["W": 6 * 8 + 5 * 6 + 3 * 5, "V": 12 * 6 + 10 * 5 + 6 * 3, "Vbar": 6 * 12 + 5 * 10 + 3 * 6, "Wbar": 6 * 10 + 5 * 6])
            }
            if name == "none" { XCTAssertEqual(checked["edge_populations"] as? [String: Int], ["W": 0, "V": 0, "Vbar": 0, "Wbar": 0]) }
        }

        let oneLevel = directory.file("one-level.h5")
        try ExportFixture.writeRun(to: oneLevel, sizes: [6, 3])
        let out = directory.file("one-level")
        try CircuitExporter.export(ExportRequest(runPath: oneLevel, format: .sonata, snapshot: .last, outputDirectory: out))
        let last = try RunReader(path: oneLevel).snapshotCount - 1
        let result = try Program.run(python, [Self.script, oneLevel, out, String(last), "0"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.stdout.contains("\"edge_populations\": {\"V\": 18, \"Vbar\": 18, \"W\": 18}"), result.stdout)
    }

    /// The checker is not a rubber stamp: checked against another snapshot, it fails.
    func testTheLibsonataCheckFailsOnTheWrongSnapshot() throws {
        let python = try Program.pythonWithLibsonata()
        let directory = try ScratchDirectory()
        let run = directory.file("run.h5")
        try ExportFixture.writeRun(to: run)
        let out = directory.file("last")
        try CircuitExporter.export(ExportRequest(runPath: run, format: .sonata, snapshot: .last, outputDirectory: out))
        let result = try Program.run(python, [Self.script, run, out, "0", "0"])
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.stdout.contains("weights differ from the run file"), result.stdout)
    }

    /// The required SONATA groups, datasets and attributes, read with the HDF5 C library.
    func testLayoutFollowsTheSONATASpecification() throws {
        let directory = try ScratchDirectory()
        let run = directory.file("run.h5")
        try ExportFixture.writeRun(to: run)
        let out = directory.file("sonata")
        let result = try CircuitExporter.export(ExportRequest(runPath: run, format: .sonata, snapshot: .last, outputDirectory: out))
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out)),
                       ["nodes.h5", "edges.h5", "node_types.csv", "edge_types.csv", "circuit_config.json"])
        XCTAssertEqual(result.nodes, ["upstream": 22, "downstream": 28])

        let nodes = try H5Read(out + "/nodes.h5")
        XCTAssertEqual(nodes.rootUInt32("magic"), [0x0A7A])
        XCTAssertEqual(nodes.rootUInt32("version"), [0, 1])
        for (population, count, types) in [("upstream", 22, [0, 1, 2, 3]), ("downstream", 28, [4, 5, 6])] {
            let root = "/nodes/\(population)"
            XCTAssertEqual(Set(try nodes.integers(root + "/node_type_id")), Set(types))
            XCTAssertEqual(try nodes.integers(root + "/node_group_id"), Array(repeating: 0, count: count))
            XCTAssertEqual(try nodes.integers(root + "/node_group_index"), Array(0..<count))
            XCTAssertEqual(try nodes.integers(root + "/0/level").count, count)
        }
        XCTAssertEqual(try nodes.integers("/nodes/upstream/0/cell_index"), Array(0..<8) + Array(0..<6) + Array(0..<5) + Array(0..<3))

        let edges = try H5Read(out + "/edges.h5")
        XCTAssertEqual(edges.rootUInt32("magic"), [0x0A7A])
        let reader = try RunReader(path: run)
        let circuit = try reader.circuit(snapshot: reader.snapshotCount - 1)
        let ids = NodeIDs(architecture: circuit.architecture)
        for kind in ProjectionKind.allCases {
            let root = "/edges/\(kind.rawValue)"
            let sources = try edges.integers(root + "/source_node_id"), targets = try edges.integers(root + "/target_node_id")
            let weights = try edges.floats(root + "/0/syn_weight")
            XCTAssertEqual(try edges.stringAttribute(root + "/source_node_id", "node_population"), kind == .W || kind == .V ? "upstream" : "downstream")
            XCTAssertEqual(try edges.stringAttribute(root + "/target_node_id", "node_population"), kind == .V ? "downstream" : "upstream")
            XCTAssertEqual(try edges.integers(root + "/edge_group_id"), Array(repeating: 0, count: weights.count))
            XCTAssertEqual(try edges.integers(root + "/edge_group_index"), Array(0..<weights.count))
            XCTAssertEqual(try edges.integers(root + "/edge_type_id").count, weights.count)
            // Expected: matrix entry [r, c] is an edge from source cell c to target cell r, in
            // projection order, then row by row.
            var expected = [(Int, Int, Float)]()
            for l in kind.firstLevel...circuit.levels {
                let projection = circuit.architecture.projection(kind, level: l)!
                let matrix = circuit.weights(kind, level: l)!
                for r in 0..<matrix.rows {
                    for c in 0..<matrix.cols {
                        expected.append((ids.nodeID(projection.source, cell: c), ids.nodeID(projection.target, cell: r), matrix[r, c]))
                    }
                }
            }
            XCTAssertEqual(sources, expected.map(\.0), kind.rawValue)
            XCTAssertEqual(targets, expected.map(\.1), kind.rawValue)
            XCTAssertEqual(weights.map(\.bitPattern), expected.map(\.2.bitPattern), kind.rawValue)
            XCTAssertEqual(targets, targets.sorted(), "\(kind.rawValue) edges are sorted by target")
            for index in ["source_to_target", "target_to_source"] {
                let ranges = try edges.integers(root + "/indices/\(index)/node_id_to_ranges")
                let projection = circuit.architecture.projection(kind, level: 2)!
                let stream = index == "source_to_target" ? projection.source.stream : projection.target.stream
                XCTAssertEqual(ranges.count, 2 * ids.count(stream), "\(root)/indices/\(index): one row per node")
            }
        }

        let config = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/circuit_config.json"))) as? [String: Any])
        let networks = try XCTUnwrap(config["networks"] as? [String: Any])
        let nodeFiles = try XCTUnwrap(networks["nodes"] as? [[String: Any]])
        XCTAssertEqual(nodeFiles.first?["nodes_file"] as? String, "$NETWORK_DIR/nodes.h5")
        XCTAssertEqual(nodeFiles.first?["node_types_file"] as? String, "$NETWORK_DIR/node_types.csv")
        let edgeFiles = try XCTUnwrap(networks["edges"] as? [[String: Any]])
        XCTAssertEqual(edgeFiles.first?["edges_file"] as? String, "$NETWORK_DIR/edges.h5")
        XCTAssertNotNil(config["components"] as? [String: Any])

        let nodeTypes = try String(contentsOfFile: out + "/node_types.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(nodeTypes.first, "node_type_id population group stream level cells model_type model_template")
        XCTAssertEqual(nodeTypes.count, 1 + 7)
        XCTAssertEqual(nodeTypes[5], "4 downstream D_1 downstream 1 12 point_neuron selfassemble:rate_unit")
        let edgeTypes = try String(contentsOfFile: out + "/edge_types.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(edgeTypes.first, "edge_type_id population projection kind level source_group target_group compartment")
        XCTAssertEqual(edgeTypes[7], "6 Wbar Wbar_2 Wbar 2 D_2 U_1 apical")
    }
}

/// Reads datasets and attributes of a small HDF5 file with the C library, for the tests.
final class H5Read {
    private let file: hid_t

    init(_ path: String) throws {
        file = H5Fopen(path, sa_H5F_ACC_RDONLY(), sa_H5P_DEFAULT())
        guard file >= 0 else { throw StoreError("test: cannot open \(path)") }
    }

    deinit { H5Fclose(file) }

    private func read<T: BitwiseCopyable>(_ path: String, _ memoryType: hid_t, _ zero: T) throws -> [T] {
        let dataset = H5Dopen2(file, path, sa_H5P_DEFAULT())
        guard dataset >= 0 else { throw StoreError("test: no dataset \(path)") }
        defer { H5Dclose(dataset) }
        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        var values = [T](repeating: zero, count: Int(H5Sget_simple_extent_npoints(space)))
        if !values.isEmpty {
            let status = values.withUnsafeMutableBytes { H5Dread(dataset, memoryType, sa_H5S_ALL(), sa_H5S_ALL(), sa_H5P_DEFAULT(), $0.baseAddress) }
            guard status >= 0 else {
                throw StoreError("test: cannot read \(path)")
            }
        }
        return values
    }

    func integers(_ path: String) throws -> [Int] { try read(path, sa_H5T_NATIVE_INT64(), Int64(0)).map { Int($0) } }
    func floats(_ path: String) throws -> [Float] { try read(path, sa_H5T_NATIVE_FLOAT(), Float(0)) }

    /// A root attribute of any integer type, read as uint32 values (nil if absent or not uint32).
    func rootUInt32(_ name: String) -> [UInt32]? {
        let attribute = H5Aopen(file, name, sa_H5P_DEFAULT())
        guard attribute >= 0 else { return nil }
        defer { H5Aclose(attribute) }
        let type = H5Aget_type(attribute), space = H5Aget_space(attribute)
        defer { H5Tclose(type); H5Sclose(space) }
        guard H5Tget_class(type) == H5T_INTEGER, H5Tget_size(type) == 4, H5Tget_sign(type) == H5T_SGN_NONE else { return nil }
        var values = [Int64](repeating: 0, count: Int(H5Sget_simple_extent_npoints(space)))
        guard H5Aread(attribute, sa_H5T_NATIVE_INT64(), &values) >= 0 else { return nil }
        return values.map { UInt32($0) }
    }

    func stringAttribute(_ object: String, _ name: String) throws -> String {
        let attribute = H5Aopen_by_name(file, object, name, sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        guard attribute >= 0 else { throw StoreError("test: no attribute \(name) on \(object)") }
        defer { H5Aclose(attribute) }
        let type = H5Aget_type(attribute)
        defer { H5Tclose(type) }
        var pointer: UnsafeMutablePointer<CChar>? = nil
        guard H5Tis_variable_str(type) > 0, H5Aread(attribute, type, &pointer) >= 0, let pointer else {
            throw StoreError("test: attribute \(name) on \(object) is not a variable-length string")
        }
        defer { H5free_memory(pointer) }
        return String(cString: pointer)
    }
}
