import CHDF5
import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// The run file as another program sees it: read_with_h5py.py opens it with h5py (its own
/// HDF5 library, another process), reads every dataset and attribute and checks the
/// documented layout. This is what keeps docs/hdf5-format.md and the writer honest.
final class H5pyCompatibilityTests: XCTestCase {
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("read_with_h5py.py").path

    func testH5pyReadsTheDocumentedLayoutWhileRunningAndWhenComplete() throws {
        let python = try Python.locate()
        try Python.requireH5py(python)
        let directory = try TemporaryDirectory()
        let run = try TinyRun.write(to: directory.file("source.h5"), thresholds: TinyRun.permissive, normalization: .zscore)
        let path = directory.file("run.h5")

        // While the writer is open: another process sees the flushed snapshots.
        let writer = try RunWriter(creating: path, metadata: run.metadata, compressionLevel: 6)
        for snapshot in run.snapshots.prefix(3) { try writer.append(snapshot) }
        let running = try Python.readRun(python, script: Self.script, file: path, compression: 6)
        XCTAssertEqual(running.status, 0, "h5py found layout errors in a running file: \(running.output)")
        XCTAssertEqual(running.json["status"] as? String, "running")
        XCTAssertEqual(running.json["snapshots"] as? Int, 3)
        XCTAssertEqual(running.json["steps"] as? [Int], [0, 5, 10])
        XCTAssertEqual(running.json["onsets"] as? [Int], [-1, -1, -1])

        for snapshot in run.snapshots.dropFirst(3) { try writer.append(snapshot) }
        try writer.finish(summary: run.summary, comparison: run.comparison)
        let complete = try Python.readRun(python, script: Self.script, file: path, compression: 6)
        XCTAssertEqual(complete.status, 0, "h5py found layout errors: \(complete.output)")
        let json = complete.json
        XCTAssertEqual(json["ok"] as? Bool, true)
        XCTAssertEqual(json["errors"] as? [String], [])
        XCTAssertEqual(json["status"] as? String, "complete")
        XCTAssertEqual(json["format_version"] as? Int, 1)
        XCTAssertEqual(json["software_version"] as? String, SelfAssembleVersion.string)
        XCTAssertEqual(json["seed"] as? String, "11")
        XCTAssertEqual(json["data"] as? String, run.metadata.dataDescription)
        XCTAssertEqual((json["configuration"] as? [String: Any])?["sizes"] as? [Int], [8, 6, 5, 3])
        XCTAssertEqual(json["levels"] as? Int, 3)
        XCTAssertEqual(json["blas"] as? String, BLASKernel.current(environment: ProcessInfo.processInfo.environment).summary,
                       "the kernel and thread count that computed the run")
        XCTAssertEqual(json["compression"] as? Int, 6)
        XCTAssertEqual(json["snapshots"] as? Int, run.snapshots.count)
        XCTAssertEqual(json["steps"] as? [Int], run.snapshots.map(\.step))
        XCTAssertEqual(json["phases"] as? [Int], run.snapshots.map { Int($0.phase.code) })
        XCTAssertEqual(json["epochs"] as? [Int], run.snapshots.map(\.epoch))
        XCTAssertEqual(json["onsets"] as? [Int], run.summary.onsets.map { $0 ?? -1 })
        XCTAssertEqual(json["sizes"] as? [String: Int],
                       ["U_0": 8, "U_1": 6, "U_2": 5, "U_3": 3, "D_1": 12, "D_2": 10, "D_3": 6])
        let reader = try RunReader(path: path)
        XCTAssertEqual(json["projection_order"] as? [String], try reader.projectionNames(), "h5py lists in creation order too")
        XCTAssertEqual(json["metric_order"] as? [String], try reader.metricNames())
        // 11 projections, 3 biases, step/phase/epoch, 23 metrics, onsets, 2 x per-epoch accuracy, checkpoints,
        // /data's offsets, scales and classes.
        XCTAssertEqual(json["datasets_read"] as? Int, 11 + 3 + 3 + 23 + 1 + 2 + 1 + 3)
        XCTAssertEqual(json["checkpoint_steps"] as? [Int], run.snapshots.map(\.step))
        XCTAssertGreaterThan(json["attributes_read"] as? Int ?? 0, 100)

        // Values, compared bit for bit (the script prints them as exact hex strings).
        let last = run.snapshots.last!.circuit
        let first = run.snapshots.first!.circuit
        let weightsLast = try XCTUnwrap(json["weights_last"] as? [String: [String]])
        let weightsFirst = try XCTUnwrap(json["weights_first"] as? [String: [String]])
        for projection in last.architecture.projections {
            let name = projection.name
            XCTAssertEqual(bits(Python.exact(weightsLast[name]).map { Float($0) }),
                           bits(last.weights(projection.kind, level: projection.level)!.values), name)
            XCTAssertEqual(bits(Python.exact(weightsFirst[name]).map { Float($0) }),
                           bits(first.weights(projection.kind, level: projection.level)!.values), name)
        }
        let biases = try XCTUnwrap(json["biases_last"] as? [String: [String]])
        for l in 1...3 {
            XCTAssertEqual(bits(Python.exact(biases["b_\(l)"]).map { Float($0) }), bits(last[l].b), "b_\(l)")
        }

        let metrics = try XCTUnwrap(json["metrics"] as? [String: [String]])
        for name in RunLayout.metricNames(levels: 3) {
            XCTAssertEqual(bits(Python.exact(metrics[name])), bits(try reader.metric(name)), name)
        }
        XCTAssertEqual(bits(Python.exact(metrics["test_accuracy"])), bits(run.snapshots.map(\.testAccuracy)))
        XCTAssertEqual(bits(Python.exact(metrics["reciprocity_2"])), bits(run.snapshots.map { $0.motif[1].reciprocity }))
        let summary = try XCTUnwrap(json["summary"] as? [String: Any])
        XCTAssertEqual(bits(Python.exact([summary["final_test_accuracy"] as? String].compactMap { $0 })),
                       bits([run.summary.finalTestAccuracy]))
        XCTAssertEqual(bits(Python.exact(summary["test_accuracy_by_epoch"] as? [String])), bits(run.summary.testAccuracyByEpoch))
        XCTAssertEqual(summary["rule"] as? String, "circuit")
        XCTAssertEqual(summary["steps"] as? Int, 42)
        XCTAssertEqual(summary["diverged_at_step"] as? Int, -1)
        let comparison = try XCTUnwrap(json["comparison"] as? [String: Any])
        let bp = try XCTUnwrap(run.comparison)
        XCTAssertEqual(bits(Python.exact([comparison["final_test_accuracy"] as? String].compactMap { $0 })), bits([bp.finalTestAccuracy]))
        XCTAssertEqual(bits(Python.exact(comparison["test_accuracy_by_epoch"] as? [String])), bits(bp.testAccuracyByEpoch))
        XCTAssertEqual(comparison["rule"] as? String, "bp")
        // What the inputs were: h5py reads the training split's z-score statistics bit for bit.
        let record = try XCTUnwrap(json["data_record"] as? [String: Any])
        let normalization = try XCTUnwrap(run.metadata.normalization)
        XCTAssertEqual(record["normalization"] as? String, "zscore")
        XCTAssertEqual(bits(Python.exact(record["feature_offset"] as? [String]).map { Float($0) }), bits(normalization.offset))
        XCTAssertEqual(bits(Python.exact(record["feature_scale"] as? [String]).map { Float($0) }), bits(normalization.scale))
        XCTAssertNotEqual(normalization.scale, [Float](repeating: 1, count: 8), "statistics of their own, not the identity")
        XCTAssertEqual(record["classes_present"] as? [Int], [0, 1, 2])
        let thresholds = try XCTUnwrap(json["thresholds"] as? [String: Any])
        XCTAssertEqual(thresholds["reciprocity"] as? Double, -2)
        XCTAssertEqual(thresholds["consecutive"] as? Int, 2)
    }

    /// compressionLevel 0: the same layout, chunked but without filters.
    func testUncompressedRunFollowsTheLayout() throws {
        let python = try Python.locate()
        try Python.requireH5py(python)
        let directory = try TemporaryDirectory()
        let path = directory.file("plain.h5")
        try TinyRun.write(to: path, compare: false, compressionLevel: 0)
        let result = try Python.readRun(python, script: Self.script, file: path, compression: 0)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.json["compression"] as? Int, 0)
        XCTAssertNil(result.json["comparison"] as? [String: Any])
        // And the checker notices when the level is not the one asked for.
        let wrong = try Python.readRun(python, script: Self.script, file: path, compression: 4)
        XCTAssertEqual(wrong.status, 1, wrong.output)
    }

    /// The checker is not a rubber stamp: a file missing a metric fails it.
    func testTheCheckerRejectsAFileThatBreaksTheLayout() throws {
        let python = try Python.locate()
        try Python.requireH5py(python)
        let directory = try TemporaryDirectory()
        let path = directory.file("broken.h5")
        try TinyRun.write(to: path, compare: false)
        try ForeignFile.modify(path) { file in
            XCTAssertGreaterThanOrEqual(H5Ldelete(file, "metrics/train_loss", sa_H5P_DEFAULT()), 0)
        }
        let result = try Python.readRun(python, script: Self.script, file: path)
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertEqual(result.json["ok"] as? Bool, false)
        let errors = result.json["errors"] as? [String] ?? []
        XCTAssertTrue(errors.contains { $0.contains("train_loss") }, "\(errors)")
    }
}

/// Running python3 from the tests.
enum Python {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    struct ScriptResult {
        var status: Int32
        var json: [String: Any]
        var output: String
    }

    /// The values of an array of exact hex strings printed by the script (empty if absent).
    static func exact(_ strings: [String]?) -> [Double] {
        (strings ?? []).map { Double($0) ?? -.infinity }
    }

    /// python3 on PATH; skips the test when there is none.
    static func locate() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("python3 is not installed: the h5py compatibility test needs it")
    }

    /// Installs h5py with pip when it is missing; fails the test clearly when that fails.
    static func requireH5py(_ python: String) throws {
        if try run(python, ["-c", "import h5py"]).status == 0 { return }
        let install = try run(python, ["-m", "pip", "install", "--quiet", "h5py"])
        guard install.status == 0, try run(python, ["-c", "import h5py"]).status == 0 else {
            XCTFail("h5py is not importable and `python3 -m pip install --quiet h5py` failed: \(install.output)")
            throw StoreError("h5py unavailable")
        }
    }

    static func readRun(_ python: String, script: String, file: String, compression: Int? = nil) throws -> ScriptResult {
        let result = try run(python, [script, file] + (compression.map { [String($0)] } ?? []))
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            XCTFail("read_with_h5py.py did not print a JSON object: \(result.output)")
            throw StoreError("no JSON from read_with_h5py.py")
        }
        return ScriptResult(status: result.status, json: object, output: result.output)
    }

    /// Runs a program to completion; output goes through files so a large output cannot
    /// fill a pipe and block the child.
    static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let directory = try TemporaryDirectory()
        let out = directory.file("stdout"), err = directory.file("stderr")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
