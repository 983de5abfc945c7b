import CHDF5
import Foundation
import SelfAssemble
@testable import SelfAssembleStore
import XCTest

/// The writer reserves the room of a snapshot before it writes it: a file system that cannot
/// give the room (full, a quota, a file-size limit) stops the run between two snapshots with a
/// file that stays whole, instead of a write that fails half-way and damages it.
final class RunWriterRoomTests: XCTestCase {
    /// HDF5's end of file now.
    private func endOfFile(_ writer: RunWriter) throws -> Int {
        var end: haddr_t = 0
        XCTAssertGreaterThanOrEqual(H5Fget_eoa(try XCTUnwrap(writer.file).id, &end), 0)
        return Int(end)
    }

    /// The room reserved is an upper bound of what a snapshot adds, over enough snapshots for
    /// the chunk indexes to split and the scalar series to start new chunks (> 256).
    func testTheReservedRoomCoversWhatASnapshotAdds() throws {
        let directory = try TemporaryDirectory()
        let run = try TinyRun.write(to: directory.file("source.h5"), compare: false)
        let writer = try RunWriter(creating: directory.file("run.h5"), metadata: run.metadata, compressionLevel: 0)
        var tightest = Int.max
        for index in 0..<300 {
            let snapshot = run.snapshots[index % run.snapshots.count]
            let entries = try writer.series.map { try $0.declared.values(.snapshot(snapshot)) }
            let reserved = writer.bytesNeeded(for: entries, index: index)
            let before = try endOfFile(writer)
            try writer.append(snapshot)
            let added = try endOfFile(writer) - before
            if ProcessInfo.processInfo.environment["ROOM_TRACE"] != nil { print("ROOM", index, added, reserved) }
            XCTAssertLessThanOrEqual(added, reserved, "snapshot \(index) added \(added) bytes, \(reserved) were reserved")
            tightest = min(tightest, reserved - added)
        }
        XCTAssertGreaterThan(tightest, 0)
        writer.close()
        XCTAssertEqual(try RunReader(path: writer.path).snapshotCount, 300)
    }

    /// Under a file-size limit the snapshot that does not fit is refused before anything is
    /// written: the file keeps every snapshot before, and the same writer goes on once there is
    /// room (here: once the limit is raised).
    func testASnapshotWithoutRoomIsRefusedBeforeItIsWritten() throws {
        let directory = try TemporaryDirectory()
        let run = try TinyRun.write(to: directory.file("source.h5"), compare: false)
        let path = directory.file("run.h5")
        let writer = try RunWriter(creating: path, metadata: run.metadata)
        try writer.append(run.snapshots[0])
        try writer.append(run.snapshots[1])

        var original = rlimit()
        XCTAssertEqual(getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &original), 0)
        let ignored = signal(SIGXFSZ, SIG_IGN)
        var limited = original
        limited.rlim_cur = rlim_t(try endOfFile(writer) + 1024)
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limited), 0)
        let refused = assertStoreError(["file too large while writing snapshot 2 of \(path)"]) { try writer.append(run.snapshots[2]) }
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &original), 0)
        signal(SIGXFSZ, ignored)
        XCTAssertNotNil(refused)
        XCTAssertFalse(writer.isDamaged)
        XCTAssertEqual(writer.snapshotCount, 2)

        try writer.append(run.snapshots[2])
        try writer.finish(summary: run.summary, comparison: nil)
        let report = try RunValidator.report(path: path)
        XCTAssertEqual(report.errors, [])
        XCTAssertEqual(report.snapshotCount, 3)
    }
}
