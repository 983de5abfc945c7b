import Foundation
import SelfAssembleStore
import XCTest

/// Every dataset and attribute of two run files, compared: weights, biases, metrics,
/// snapshots, onsets and the outcome must be identical.
func assertSameRun(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let ra = try RunReader(path: a), rb = try RunReader(path: b)
    XCTAssertTrue(rb.isComplete, "\(b) is complete", file: file, line: line)
    XCTAssertEqual(ra.snapshotCount, rb.snapshotCount, file: file, line: line)
    XCTAssertEqual(try ra.steps(), try rb.steps(), file: file, line: line)
    for name in try ra.projectionNames() {
        for s in 0..<ra.snapshotCount where try ra.weights(name, snapshot: s) != rb.weights(name, snapshot: s) {
            XCTFail("\(name) differs at snapshot \(s)", file: file, line: line)
            return
        }
    }
    XCTAssertEqual(try ra.feedbackNames(), try rb.feedbackNames(), file: file, line: line)
    for name in try ra.feedbackNames() {
        for s in 0..<ra.snapshotCount where try ra.feedback(name, snapshot: s) != rb.feedback(name, snapshot: s) {
            XCTFail("feedback \(name) differs at snapshot \(s)", file: file, line: line)
            return
        }
    }
    for l in 1...(try ra.architecture().levels) {
        XCTAssertEqual(try ra.bias(level: l, snapshot: ra.snapshotCount - 1), try rb.bias(level: l, snapshot: rb.snapshotCount - 1),
                       file: file, line: line)
    }
    for metric in try ra.metricNames() {
        let x = try ra.metric(metric), y = try rb.metric(metric)
        XCTAssertTrue(zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } && x.count == y.count,
                      "\(metric) differs", file: file, line: line)
    }
    XCTAssertEqual(try ra.onsets(), try rb.onsets(), file: file, line: line)
    XCTAssertEqual(try ra.summary(), try rb.summary(), file: file, line: line)
}

/// Asserts with h5py that two run files hold the same datasets with the same values, every one
/// (weights, feedback, metrics, checkpoints, outcome), bit for bit (NaN equal to NaN).
func assertSameDatasets(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let result = try PythonRunner.run("""
        import sys, h5py, numpy as np
        a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
        names = []
        a.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset) else None)
        other = []
        b.visititems(lambda name, obj: other.append(name) if isinstance(obj, h5py.Dataset) else None)
        differ = [n for n in names if n not in b or a[n].shape != b[n].shape or a[n].dtype != b[n].dtype
                  or not (np.array_equal(a[n][()], b[n][()], equal_nan=True) if a[n].dtype.kind in "fiu"
                          else (a[n][()] == b[n][()]).all())]
        print(len(names), "datasets;", "differ:", differ, "missing:", sorted(set(names) ^ set(other)))
        """, arguments: [a, b])
    XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
    XCTAssertTrue(result.stdout.contains("differ: [] missing: []"), "\(a) vs \(b): \(result.stdout)", file: file, line: line)
}

extension CommandRunner {
    /// Starts the tool in the background, sends `signal` once `ready` says so (polled every
    /// 10 ms; immediately if the process ends first), and returns the exit status and stderr.
    static func startAndSignal(_ arguments: [String], in directory: URL? = nil, signal: Int32, when ready: () throws -> Bool) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("selfassemble-stderr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errURL) }
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        while process.isRunning, !(try ready()) { usleep(10_000) }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        try err.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Completed snapshots of a run file being written (0 while it cannot be read yet).
    static func snapshots(in path: String) -> Int {
        (try? RunReader(path: path).snapshotCount) ?? 0
    }
}

/// The bytes of a file, to show that a command left it untouched.
func contents(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
