import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// The writer's failures: each is a StoreError with one line naming the path and the fix.
final class RunWriterErrorTests: XCTestCase {
    private func metadata() throws -> RunMetadata {
        try RunMetadata(simulation: Simulation(configuration: TinyRun.configuration(), data: TinyRun.data()))
    }

    func testRefusesToOverwriteUnlessAllowed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        assertStoreError(["refusing to overwrite", path]) {
            _ = try RunWriter(creating: path, metadata: try metadata(), overwrite: false)
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "precious", "the existing file is untouched")

        // Allowed: the run is written beside the file and replaces it once it has finished
        // (RunReplacementTests); until then the file is what it was.
        let writer = try RunWriter(creating: path, metadata: try metadata(), overwrite: true)
        XCTAssertEqual(writer.path, path + ".partial")
        writer.close()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "precious")
        XCTAssertEqual(try RunReader(path: path + ".partial").snapshotCount, 0)

        // A fresh path is fine without overwrite.
        let fresh = directory.file("fresh.h5")
        try RunWriter(creating: fresh, metadata: try metadata(), overwrite: false).close()
        XCTAssertEqual(try RunReader(path: fresh).status, "running")
    }

    func testUnwritablePaths() throws {
        let directory = try TemporaryDirectory()
        assertStoreError([directory.path + "/missing", "does not exist"]) {
            _ = try RunWriter(creating: directory.file("missing/run.h5"), metadata: try metadata())
        }
        assertStoreError(["/proc/x/run.h5"]) {
            _ = try RunWriter(creating: "/proc/x/run.h5", metadata: try metadata())
        }
        // /proc/self exists but no file can be created in it, not even by root.
        assertStoreError(["/proc/self/run.h5"]) {
            _ = try RunWriter(creating: "/proc/self/run.h5", metadata: try metadata())
        }
        assertStoreError(["is a directory"]) {
            _ = try RunWriter(creating: directory.path, metadata: try metadata())
        }
        assertStoreError(["empty path"]) {
            _ = try RunWriter(creating: "", metadata: try metadata())
        }
        assertStoreError(["compression level", "0", "9"]) {
            _ = try RunWriter(creating: directory.file("bad.h5"), metadata: try metadata(), compressionLevel: 12)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.file("bad.h5")), "nothing is created for a bad argument")
    }

    func testSnapshotOfAnotherCircuitIsRejected() throws {
        let directory = try TemporaryDirectory()
        let writer = try RunWriter(creating: directory.file("run.h5"), metadata: try metadata())
        var other = TinyRun.configuration()
        other.sizes = [8, 7, 3]
        var simulation = try Simulation(configuration: other, data: TinyRun.data())
        var first: Snapshot?
        _ = try simulation.run { if case .snapshot(let s) = $0, first == nil { first = s } }
        let snapshot = try XCTUnwrap(first)
        assertStoreError(["cannot append", "[8, 7, 3]"]) { try writer.append(snapshot) }
        XCTAssertEqual(writer.snapshotCount, 0)
    }

    func testWritingAfterFinishOrCloseFails() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5")
        let run = try TinyRun.write(to: directory.file("source.h5"), compare: false)
        let writer = try RunWriter(creating: path, metadata: run.metadata)
        try writer.append(run.snapshots[0])
        try writer.finish(summary: run.summary, comparison: nil)
        XCTAssertTrue(writer.isComplete)
        assertStoreError(["already finished"]) { try writer.append(run.snapshots[1]) }
        assertStoreError(["already finished"]) { try writer.finish(summary: run.summary, comparison: nil) }
        writer.close()
        writer.close()

        let closed = try RunWriter(creating: directory.file("closed.h5"), metadata: run.metadata)
        closed.close()
        assertStoreError(["closed"]) { try closed.append(run.snapshots[0]) }
    }

    func testFinishWithWrongOnsetCountFailsAndLeavesARunningFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5")
        let run = try TinyRun.write(to: directory.file("source.h5"), compare: false)
        let writer = try RunWriter(creating: path, metadata: run.metadata)
        try writer.append(run.snapshots[0])
        var summary = run.summary
        summary.onsets = [nil]
        assertStoreError(["1 onsets", "3 levels"]) { try writer.finish(summary: summary, comparison: nil) }
        let reader = try RunReader(path: path)
        XCTAssertEqual(reader.status, "running")
        XCTAssertEqual(reader.snapshotCount, 1)
    }
}
