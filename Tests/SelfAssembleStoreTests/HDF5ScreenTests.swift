import Foundation
import SelfAssembleStore
import SelfAssembleTestSupport
import XCTest

/// Files on which the HDF5 library itself crashes or hangs are reported as damaged, in one
/// line, instead of taking the reader's process down (HDF5Screen; found by fuzzing).
final class HDF5ScreenTests: XCTestCase {
    /// The fuzzing corpus's complete run with the two bytes that the `inspect` target found
    /// changed: HDF5 1.10.8 then frees a pointer it never set while listing /metrics, which
    /// aborted `selfassemble inspect` (free(): invalid pointer) before the screen existed.
    private func damagedRun(in directory: TemporaryDirectory) throws -> String {
        let seed = TestLocations.packageRoot.appendingPathComponent("Fuzz/corpus/run/complete-one-level.h5")
        var bytes = [UInt8](try Data(contentsOf: seed))
        XCTAssertEqual(bytes.count, 86649, "the corpus file changed; the offsets below are those of the committed one")
        bytes[14093] = 0x01
        bytes[18458] = 0x96
        let path = directory.file("damaged.h5")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testEveryReaderReportsTheDamagedFileInsteadOfCrashing() throws {
        let directory = try TemporaryDirectory()
        let path = try damagedRun(in: directory)
        let damaged = ["damaged.h5 is damaged: the HDF5 library crashed reading its structure (signal", "restore the file from a copy"]
        assertStoreError(damaged) { _ = try RunInspection(path: path) }
        assertStoreError(damaged) { _ = try RunReader(path: path) }
        assertStoreError(damaged) { _ = try RunValidator.report(path: path) }
        // The undamaged seed reads.
        let seed = TestLocations.packageRoot.appendingPathComponent("Fuzz/corpus/run/complete-one-level.h5").path
        XCTAssertEqual(try RunInspection(path: seed).snapshots.count, 3)
    }

    func testTheCommandPrintsOneLine() throws {
        let directory = try TemporaryDirectory()
        let path = try damagedRun(in: directory)
        let result = try Python.run(TestLocations.selfassemble.path, ["inspect", path])
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.hasPrefix("selfassemble: error: \(path) is damaged: the HDF5 library crashed reading its structure (signal "), result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix("); restore the file from a copy or run again\n"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    /// A walk that does not finish in the time limit (HDF5 looping on a corrupt heap) is
    /// killed and the file reported; here the limit is too short for any file.
    func testAWalkOverTheTimeLimitIsReported() throws {
        let directory = try TemporaryDirectory()
        try TinyRun.write(to: directory.file("run.h5"))
        let limit = HDF5Screen.timeLimit
        defer { HDF5Screen.timeLimit = limit }
        HDF5Screen.timeLimit = 1e-9
        assertStoreError(["run.h5 is damaged: the HDF5 library did not finish reading its structure in 0 s"]) {
            _ = try RunReader(path: directory.file("run.h5"))
        }
        HDF5Screen.timeLimit = limit
        XCTAssertEqual(try RunReader(path: directory.file("run.h5")).status, "complete")
    }
}
