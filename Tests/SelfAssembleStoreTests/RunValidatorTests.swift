import CHDF5
import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// RunValidator names every departure from docs/hdf5-format.md, with its location, and never
/// crashes: on damaged copies of a real run, foreign HDF5 files and files that are not HDF5.
final class RunValidatorTests: XCTestCase {
    /// One complete run (with a bp comparison) that the tests copy and damage.
    private static let source: (directory: TemporaryDirectory, path: String) = {
        let directory = try! TemporaryDirectory()
        let path = directory.file("source.h5")
        try! TinyRun.write(to: path, thresholds: TinyRun.permissive)
        return (directory, path)
    }()

    private func copy(_ name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.file(name)
        try FileManager.default.copyItem(atPath: Self.source.path, toPath: path)
        return path
    }

    /// The errors of a file, each as "location: message".
    private func errors(_ path: String) throws -> [String] {
        try RunValidator.report(path: path).errors.map(\.description)
    }

    private func assertError(_ errors: [String], at location: String, containing fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(errors.contains { $0.hasPrefix(location + ": ") && $0.contains(fragment) },
                      "no error at \(location) containing '\(fragment)' in \(errors)", file: file, line: line)
    }

    func testAFileTheWriterMadeIsValid() throws {
        let report = try RunValidator.report(path: Self.source.path)
        XCTAssertEqual(report.errors, [])
        XCTAssertEqual(report.warnings, [])
        XCTAssertTrue(report.isValid)
        XCTAssertEqual(report.formatVersion, 1)
        XCTAssertEqual(report.status, "complete")
        XCTAssertEqual(report.snapshotCount, try RunReader(path: Self.source.path).snapshotCount)
        XCTAssertEqual(report.summaryLine, "\(Self.source.path): valid (format 1, \(report.snapshotCount!) snapshots, complete)")
        XCTAssertEqual(RunValidator.validate(path: Self.source.path), [])

        // A run that never finished (no /summary, onsets all -1, no 'finished') is valid too.
        let directory = try TemporaryDirectory()
        let running = directory.file("running.h5")
        try TinyRun.write(to: running, compare: false, finish: false, compressionLevel: 0)
        let report2 = try RunValidator.report(path: running)
        XCTAssertEqual(report2.errors, [])
        XCTAssertEqual(report2.status, "running")
    }

    func testFilesThatAreNotHDF5GiveOneClearError() throws {
        let directory = try TemporaryDirectory()
        let text = directory.file("notes.h5")
        try Data("step,accuracy\n0,0.5\n".utf8).write(to: URL(fileURLWithPath: text))
        let empty = directory.file("empty.h5")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        for (path, fragments) in [(text, ["not an HDF5 file"]), (empty, ["is empty (0 bytes)"]),
                                  (directory.file("missing.h5"), ["no such file"]), (directory.path, ["is a directory"])] {
            assertStoreError([path] + fragments) { _ = try RunValidator.report(path: path) }
            let violations = RunValidator.validate(path: path)
            XCTAssertEqual(violations.count, 1, "\(violations)")
            XCTAssertEqual(violations.first?.location, "file")
            XCTAssertEqual(violations.first?.severity, .error)
        }
    }

    func testTruncatedCopiesAreErrorsNeverCrashes() throws {
        let directory = try TemporaryDirectory()
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.source.path))
        for length in [whole.count - 1, whole.count - 4096, whole.count * 3 / 4, whole.count / 2, 4096, 512, 100, 8] where length > 0 && length < whole.count {
            let path = directory.file("truncated-\(length).h5")
            try whole.prefix(length).write(to: URL(fileURLWithPath: path))
            let violations = RunValidator.validate(path: path)
            XCTAssertFalse(violations.filter { $0.severity == .error }.isEmpty, "truncated to \(length) of \(whole.count) bytes passed")
            for violation in violations { XCTAssertFalse(violation.description.contains("\n")) }
        }
    }

    /// Bytes flipped in the middle of a chunk of compressed weights: reading the data back
    /// finds the damage and names the projection and snapshot.
    func testCorruptedCopyNamesTheDamagedData() throws {
        let directory = try TemporaryDirectory()
        let path = try copy("corrupted.h5", in: directory)
        var address: haddr_t = 0
        var size: hsize_t = 0
        try ForeignFile.modify(path) { file in
            let dataset = H5Dopen2(file, "projections/V_1", sa_H5P_DEFAULT())
            defer { H5Dclose(dataset) }
            var filterMask: UInt32 = 0
            XCTAssertGreaterThanOrEqual(H5Dget_chunk_info_by_coord(dataset, [2, 0, 0], &filterMask, &address, &size), 0)
        }
        XCTAssertGreaterThan(size, 16)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let start = Int(address) + Int(size) / 4
        for i in start..<(start + Int(size) / 2) { bytes[i] ^= 0xFF }
        try bytes.write(to: URL(fileURLWithPath: path))
        assertError(try errors(path), at: "/projections/V_1", containing: "snapshot 2 cannot be read")

        // Flipping bytes anywhere (metadata included) never crashes the validator.
        let original = try Data(contentsOf: URL(fileURLWithPath: Self.source.path))
        for fraction in stride(from: 0.0, to: 1.0, by: 0.05) {
            var damaged = original
            let start = Int(Double(original.count) * fraction)
            for i in start..<min(start + 64, damaged.count) { damaged[i] ^= 0x5A }
            let copy = directory.file("flip-\(start).h5")
            try damaged.write(to: URL(fileURLWithPath: copy))
            _ = RunValidator.validate(path: copy)
        }
    }

    func testForeignHDF5FileIsNotARun() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("foreign.h5")
        try ForeignFile.create(path) { file in
            let group = H5Gcreate2(file, "measurements", sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
            H5Gclose(group)
        }
        let errors = try errors(path)
        XCTAssertEqual(errors, ["/: no 'format' attribute: this HDF5 file is not a selfassemble run file"],
                       "one clear error, not a list of every missing group")
        let other = directory.file("other.h5")
        try ForeignFile.create(other) { file in ForeignFile.setString(file, "format", "netcdf4") }
        assertError(try self.errors(other), at: "/", containing: "'netcdf4', expected 'selfassemble-run'")
    }

    func testDeletedDatasetsAndGroupsAreNamed() throws {
        let directory = try TemporaryDirectory()
        let path = try copy("hollow.h5", in: directory)
        try ForeignFile.modify(path) { file in
            for name in ["metrics/train_loss", "projections/Wbar_3", "biases", "summary"] {
                XCTAssertGreaterThanOrEqual(H5Ldelete(file, name, sa_H5P_DEFAULT()), 0, name)
            }
        }
        let errors = try errors(path)
        assertError(errors, at: "/metrics/train_loss", containing: "missing dataset (float64)")
        assertError(errors, at: "/projections/Wbar_3", containing: "missing dataset (float32)")
        assertError(errors, at: "/biases", containing: "missing group")
        assertError(errors, at: "/summary", containing: "status is 'complete'")
        XCTAssertEqual(errors.count, 4, "\(errors)")
    }

    func testWrongTypesAndShapesAreNamed() throws {
        let directory = try TemporaryDirectory()
        let path = try copy("retyped.h5", in: directory)
        let snapshots = try RunReader(path: Self.source.path).snapshotCount
        try ForeignFile.modify(path) { file in
            // /snapshots/phase as int32, /projections/V_1 one row too many, format_version int64.
            H5Ldelete(file, "snapshots/phase", sa_H5P_DEFAULT())
            ForeignFile.createDataset(file, "snapshots/phase", type: sa_H5T_STD_I32LE(), shape: [snapshots])
            H5Ldelete(file, "projections/V_1", sa_H5P_DEFAULT())
            ForeignFile.createDataset(file, "projections/V_1", type: sa_H5T_IEEE_F32LE(), shape: [snapshots, 13, 6])
            H5Adelete(file, "format_version")
            ForeignFile.setInt64(file, "format_version", 1)
            H5Adelete(file, "status")
            ForeignFile.setString(file, "status", "paused")
        }
        let errors = try errors(path)
        assertError(errors, at: "/snapshots/phase", containing: "is int32, expected uint8")
        assertError(errors, at: "/projections/V_1", containing: "has shape [\(snapshots), 13, 6], expected [S, 12, 6]")
        assertError(errors, at: "/", containing: "attribute 'format_version' is int64, expected int32")
        assertError(errors, at: "/", containing: "attribute 'status' is 'paused', expected 'running' or 'interrupted' or 'complete'")
    }

    func testInconsistentValuesAreNamed() throws {
        let directory = try TemporaryDirectory()
        let path = try copy("inconsistent.h5", in: directory)
        let reader = try RunReader(path: Self.source.path)
        var steps = try reader.steps().map(Int64.init)
        steps.swapAt(1, 2)
        try ForeignFile.modify(path) { file in
            ForeignFile.write(file, "snapshots/step", steps)
            ForeignFile.write(file, "assembly/onset_step", [Int64(3), -1, -1])
            ForeignFile.write(file, "snapshots/phase", [UInt8](repeating: 200, count: steps.count))
            H5Adelete(file, "levels")
            ForeignFile.setInteger(file, "levels", 4)
        }
        let errors = try errors(path)
        assertError(errors, at: "/snapshots/step", containing: "not strictly increasing: snapshot 2")
        assertError(errors, at: "/assembly/onset_step", containing: "level 1 assembled at step 3, which is not a stored snapshot step")
        assertError(errors, at: "/snapshots/phase", containing: "phase code 200")
        assertError(errors, at: "/populations", containing: "'levels' = 4 needs 5")
        XCTAssertEqual(errors.count, 4, "the three levels present are checked, not a fourth: \(errors)")
    }

    /// Phase labels are data: a file naming fewer phases than this selfassemble knows (written
    /// before a phase was added) is valid; a label that contradicts a known phase is not.
    func testPhaseLabelsAgreeWithTheKnownPhases() throws {
        let directory = try TemporaryDirectory()
        let older = try copy("older.h5", in: directory)
        let learning = try XCTUnwrap(RunLayout.phases.first { $0.name == "learning" })
        let snapshots = try RunReader(path: Self.source.path).snapshotCount
        try ForeignFile.modify(older) { file in
            let phase = H5Dopen2(file, "snapshots/phase", sa_H5P_DEFAULT())
            defer { H5Dclose(phase) }
            H5Adelete(phase, "labels")
            ForeignFile.setString(phase, "labels", "\(learning.code)=learning")
            ForeignFile.write(file, "snapshots/phase", [UInt8](repeating: learning.code, count: snapshots))
        }
        XCTAssertEqual(try errors(older), [])

        let contradicting = try copy("contradicting.h5", in: directory)
        try ForeignFile.modify(contradicting) { file in
            let phase = H5Dopen2(file, "snapshots/phase", sa_H5P_DEFAULT())
            defer { H5Dclose(phase) }
            H5Adelete(phase, "labels")
            ForeignFile.setString(phase, "labels", "0=learning,1=development")
        }
        assertError(try errors(contradicting), at: "/snapshots/phase", containing: "attribute 'labels' is '0=learning,1=development'")
    }

    /// A per-snapshot dataset shorter than /snapshots/step (more than one entry off) is damaged.
    func testSeriesLengthsMustMatchTheSnapshots() throws {
        let directory = try TemporaryDirectory()
        let path = try copy("short.h5", in: directory)
        let snapshots = try RunReader(path: Self.source.path).snapshotCount
        try ForeignFile.modify(path) { file in
            let dataset = H5Dopen2(file, "metrics/reciprocity_2", sa_H5P_DEFAULT())
            XCTAssertGreaterThanOrEqual(H5Dset_extent(dataset, [hsize_t(snapshots - 2)]), 0)
            H5Dclose(dataset)
        }
        assertError(try errors(path), at: "/metrics/reciprocity_2", containing: "has \(snapshots - 2) entries for \(snapshots) snapshots")
    }

    /// A run left "running" (killed) that nothing writes to any more: a series more than one
    /// entry past the snapshots is damage, as in a finished file (only a file that grows while
    /// it is checked is given the benefit of the doubt).
    func testOverlongSeriesOfAStillRunFileIsAnError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("killed.h5")
        try TinyRun.write(to: path, compare: false, finish: false, compressionLevel: 0)
        let snapshots = try RunReader(path: path).snapshotCount
        try ForeignFile.modify(path) { file in
            let dataset = H5Dopen2(file, "metrics/test_accuracy", sa_H5P_DEFAULT())
            XCTAssertGreaterThanOrEqual(H5Dset_extent(dataset, [hsize_t(snapshots + 3)]), 0)
            H5Dclose(dataset)
        }
        let report = try RunValidator.report(path: path)
        XCTAssertEqual(report.status, "running")
        XCTAssertFalse(report.beingWritten)
        assertError(report.errors.map(\.description), at: "/metrics/test_accuracy", containing: "has \(snapshots + 3) entries for \(snapshots) snapshots")
    }

    /// Extras the layout does not document are warnings: the file stays valid.
    func testUndocumentedExtrasAreWarningsOnly() throws {
        let directory = try TemporaryDirectory()
        let path = try copy("annotated.h5", in: directory)
        try ForeignFile.modify(path) { file in
            ForeignFile.setString(file, "notes", "seed sweep, run 3")
            ForeignFile.setString(file, "connectome", "name: tiny\n")
            let group = H5Gcreate2(file, "my_analysis", sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
            H5Gclose(group)
            let resume = H5Gcreate2(file, "resume", sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
            H5Gclose(resume)
        }
        let report = try RunValidator.report(path: path)
        XCTAssertEqual(report.errors, [])
        XCTAssertTrue(report.isValid)
        XCTAssertEqual(report.warnings.map(\.description).sorted(), [
            "warning: /: attribute 'notes' is not part of the documented layout",
            "warning: /my_analysis: entry is not part of the documented layout",
        ])
    }

    /// The brief's h5py variants: a foreign file and a retyped dataset made by another program.
    func testFilesMadeWithH5pyAreCheckedToo() throws {
        let python = try Python.locate()
        try Python.requireH5py(python)
        let directory = try TemporaryDirectory()
        let foreign = directory.file("h5py-foreign.h5")
        let retyped = try copy("h5py-retyped.h5", in: directory)
        let script = """
            import h5py, numpy as np, sys
            with h5py.File(sys.argv[1], "w") as f:
                f["images"] = np.zeros((4, 8, 8), dtype="u1")
                f.attrs["format"] = "some-other-tool"
            with h5py.File(sys.argv[2], "r+") as f:
                steps = f["snapshots/step"][:]
                del f["snapshots/step"]
                f["snapshots/step"] = steps.astype("f8")
            """
        let result = try Python.run(python, ["-c", script, foreign, retyped])
        XCTAssertEqual(result.status, 0, result.output)
        assertError(try errors(foreign), at: "/", containing: "'some-other-tool', expected 'selfassemble-run'")
        assertError(try errors(retyped), at: "/snapshots/step", containing: "is float64, expected int64")
    }
}

extension ForeignFile {
    static func setInt64(_ object: hid_t, _ name: String, _ value: Int64) {
        let space = H5Screate(H5S_SCALAR)
        let attribute = H5Acreate2(object, name, sa_H5T_STD_I64LE(), space, sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        var copy = value
        H5Awrite(attribute, sa_H5T_NATIVE_INT64(), &copy)
        H5Aclose(attribute)
        H5Sclose(space)
    }

    /// A zero-filled, contiguous dataset of the given type and shape.
    static func createDataset(_ file: hid_t, _ path: String, type: hid_t, shape: [Int]) {
        let dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), dims, nil)
        let dataset = H5Dcreate2(file, path, type, space, sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        XCTAssertGreaterThanOrEqual(dataset, 0, "test setup: cannot create \(path)")
        H5Dclose(dataset)
        H5Sclose(space)
    }

    /// Overwrites a dataset's values in place (same length).
    static func write<T: BitwiseCopyable>(_ file: hid_t, _ path: String, _ values: [T]) {
        let dataset = H5Dopen2(file, path, sa_H5P_DEFAULT())
        let type = H5Dget_type(dataset)
        let status = values.withUnsafeBytes { H5Dwrite(dataset, type, sa_H5S_ALL(), sa_H5S_ALL(), sa_H5P_DEFAULT(), $0.baseAddress) }
        XCTAssertGreaterThanOrEqual(status, 0, "test setup: cannot write \(path)")
        H5Tclose(type)
        H5Dclose(dataset)
    }
}
