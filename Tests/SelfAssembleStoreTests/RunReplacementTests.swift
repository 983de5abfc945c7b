import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// A run that replaces an existing file is written to FILE.partial and renamed over FILE only
/// when it has finished: until then FILE is what it was (for its readers too), and a partial
/// run that stopped is continued by `RunWriter(resuming:)`, which replaces FILE when it finishes.
final class RunReplacementTests: XCTestCase {
    private func fileBytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func testTheOldFileStaysUntilTheReplacementHasFinished() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5")
        try TinyRun.write(to: path, compare: false)
        let old = try fileBytes(path)
        let oldReader = try RunReader(path: path)
        let oldSteps = try oldReader.steps()

        let run = try TinyRun.write(to: directory.file("source.h5"), compare: false)
        var metadata = run.metadata
        metadata.seed = 99
        let writer = try RunWriter(creating: path, metadata: metadata)
        XCTAssertTrue(writer.isReplacement)
        XCTAssertEqual(writer.path, path + ".partial")
        XCTAssertEqual(writer.destination, path)
        for snapshot in run.snapshots { try writer.append(snapshot) }
        XCTAssertEqual(try fileBytes(path), old, "the old file is untouched while the new run is written")
        XCTAssertEqual(try RunReader(path: writer.path).seed, 99, "the partial run can be read while it is written")

        try writer.finish(summary: run.summary, comparison: nil)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".partial"))
        let replaced = try RunReader(path: path)
        XCTAssertEqual(replaced.seed, 99)
        XCTAssertTrue(replaced.isComplete)
        XCTAssertEqual(try RunValidator.report(path: path).errors, [])
        XCTAssertEqual(try RunValidator.report(path: path).warnings, [], "no 'replaces' attribute is left in the finished file")
        // A reader that held the old file open still reads the old file.
        XCTAssertEqual(try oldReader.steps(), oldSteps)
        XCTAssertEqual(oldReader.seed, 11)
    }

    func testAStoppedReplacementIsContinuedAndThenReplacesTheFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5")
        try Data("the old run".utf8).write(to: URL(fileURLWithPath: path))
        let run = try TinyRun.write(to: directory.file("source.h5"), compare: false)
        let writer = try RunWriter(creating: path, metadata: run.metadata)
        for snapshot in run.snapshots.prefix(3) { try writer.append(snapshot) }
        writer.close()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "the old run")
        XCTAssertEqual(try RunValidator.report(path: writer.path).errors, [], "the partial run is a valid run file")

        // A second replacement does not clobber the partial run: it says how to go on.
        assertStoreError(["cannot replace \(path)", "\(path).partial exists", "--resume \(path).partial", "delete it"]) {
            _ = try RunWriter(creating: path, metadata: run.metadata)
        }

        let point = try RunReader(path: writer.path).resumePoint()
        XCTAssertEqual(point.metadata.replaces, "run.h5")
        let continued = try RunWriter(resuming: writer.path, metadata: point.metadata)
        XCTAssertEqual(continued.destination, path)
        XCTAssertEqual(continued.snapshotCount, 3)
        for snapshot in run.snapshots.dropFirst(3) { try continued.append(snapshot) }
        try continued.finish(summary: run.summary, comparison: nil)
        XCTAssertFalse(FileManager.default.fileExists(atPath: writer.path))
        let reader = try RunReader(path: path)
        XCTAssertTrue(reader.isComplete)
        XCTAssertEqual(try reader.steps(), run.snapshots.map(\.step))
        XCTAssertEqual(try RunValidator.report(path: path).warnings, [])
    }

    /// Only the partial run at FILE.partial replaces FILE: a copy of it under another name,
    /// continued, completes in place and leaves FILE as it was.
    func testACopyOfAPartialRunCompletesInPlace() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5"), copy = directory.file("copy.h5")
        try Data("the old run".utf8).write(to: URL(fileURLWithPath: path))
        let run = try TinyRun.write(to: directory.file("source.h5"), compare: false)
        let writer = try RunWriter(creating: path, metadata: run.metadata)
        for snapshot in run.snapshots.prefix(3) { try writer.append(snapshot) }
        writer.close()
        try FileManager.default.copyItem(atPath: writer.path, toPath: copy)

        let point = try RunReader(path: copy).resumePoint()
        XCTAssertEqual(point.metadata.replaces, "run.h5")
        let continued = try RunWriter(resuming: copy, metadata: point.metadata)
        XCTAssertEqual(continued.destination, copy)
        XCTAssertFalse(continued.isReplacement)
        XCTAssertEqual(continued.copyOfReplacementOf, path)
        for snapshot in run.snapshots.dropFirst(3) { try continued.append(snapshot) }
        try continued.finish(summary: run.summary, comparison: nil)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "the old run")
        XCTAssertTrue(FileManager.default.fileExists(atPath: writer.path), "the partial run itself is kept")
        XCTAssertTrue(try RunReader(path: copy).isComplete)
        XCTAssertEqual(try RunValidator.report(path: copy).warnings, [], "no 'replaces' attribute is left")

        let own = try RunWriter(resuming: writer.path, metadata: try RunReader(path: writer.path).resumePoint().metadata)
        XCTAssertEqual(own.destination, path)
        XCTAssertNil(own.copyOfReplacementOf)
        own.close()
    }

    /// The replaced file's permissions carry over; a link is followed, so that it keeps
    /// pointing at the run.
    func testPermissionsAndLinksOfTheReplacedFile() throws {
        let directory = try TemporaryDirectory()
        let target = directory.file("target.h5"), link = directory.file("link.h5")
        try TinyRun.write(to: target, compare: false)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let run = try TinyRun.write(to: directory.file("source.h5"), compare: false)
        let writer = try RunWriter(creating: link, metadata: run.metadata)
        XCTAssertEqual(writer.path, target + ".partial")
        for snapshot in run.snapshots { try writer.append(snapshot) }
        try writer.finish(summary: run.summary, comparison: nil)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), target)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber)?.intValue, 0o640)
        XCTAssertTrue(try RunReader(path: link).isComplete)
    }
}
