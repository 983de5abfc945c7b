import CHDF5
import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// Files that are not (good) run files give a one-line StoreError from RunReader, never a crash.
final class RunReaderErrorTests: XCTestCase {
    /// One real run file shared by the tests that damage copies of it.
    private static let source: (directory: TemporaryDirectory, path: String) = {
        let directory = try! TemporaryDirectory()
        let path = directory.file("source.h5")
        try! TinyRun.write(to: path, compare: false)
        return (directory, path)
    }()

    func testMissingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("nothing-here.h5")
        assertStoreError(["no such file", path]) { _ = try RunReader(path: path) }
        assertStoreError(["is a directory"]) { _ = try RunReader(path: directory.path) }
    }

    func testNonHDF5File() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.h5")
        try Data("step,accuracy\n0,0.5\n".utf8).write(to: URL(fileURLWithPath: path))
        assertStoreError([path, "not an HDF5 file"]) { _ = try RunReader(path: path) }
        let empty = directory.file("empty.h5")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        assertStoreError([empty, "not an HDF5 file"]) { _ = try RunReader(path: empty) }
    }

    func testTruncatedCopiesOfARealRunFile() throws {
        let directory = try TemporaryDirectory()
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.source.path))
        XCTAssertNoThrow(try RunReader(path: Self.source.path), "the intact file reads")
        for length in [whole.count - 1, whole.count * 3 / 4, whole.count / 2, 4096, 1024, 100, 8] where length < whole.count {
            let path = directory.file("truncated-\(length).h5")
            try whole.prefix(length).write(to: URL(fileURLWithPath: path))
            let message = assertStoreError([path]) {
                let reader = try RunReader(path: path)
                // Should opening ever succeed, reading everything must still fail cleanly.
                for name in try reader.projectionNames() { _ = try reader.weights(name, snapshot: reader.snapshotCount - 1) }
            }
            XCTAssertNotNil(message, "truncated to \(length) of \(whole.count) bytes")
        }
    }

    func testHDF5FileWithoutFormatAttribute() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("foreign.h5")
        try ForeignFile.create(path) { file in
            let group = H5Gcreate2(file, "measurements", sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
            XCTAssertGreaterThanOrEqual(group, 0)
            H5Gclose(group)
        }
        assertStoreError([path, "not a selfassemble run", "no 'format' attribute"]) { _ = try RunReader(path: path) }
    }

    func testHDF5FileWithAnotherFormat() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("other.h5")
        try ForeignFile.create(path) { file in ForeignFile.setInteger(file, "format", 3) }
        assertStoreError([path, "not a selfassemble run", "not a string"]) { _ = try RunReader(path: path) }
        let named = directory.file("named.h5")
        try ForeignFile.create(named) { file in ForeignFile.setString(file, "format", "netcdf4") }
        assertStoreError([named, "not a selfassemble run", "netcdf4"]) { _ = try RunReader(path: named) }
    }

    func testNewerFormatVersionIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("future.h5")
        try FileManager.default.copyItem(atPath: Self.source.path, toPath: path)
        try ForeignFile.modify(path) { file in
            H5Adelete(file, "format_version")
            ForeignFile.setInteger(file, "format_version", 2)
        }
        assertStoreError([path, "format version 2", "newer selfassemble"]) { _ = try RunReader(path: path) }
    }

    func testMissingRequiredPartsAreErrors() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("hollow.h5")
        try FileManager.default.copyItem(atPath: Self.source.path, toPath: path)
        try ForeignFile.modify(path) { file in
            XCTAssertGreaterThanOrEqual(H5Ldelete(file, "snapshots", sa_H5P_DEFAULT()), 0)
        }
        assertStoreError([path, "snapshots"]) { _ = try RunReader(path: path) }
    }

    func testBadRequestsOnAGoodFile() throws {
        let reader = try RunReader(path: Self.source.path)
        assertStoreError(["no projection Wbar_1", "W_1"]) { _ = try reader.weights("Wbar_1", snapshot: 0) }
        assertStoreError(["no snapshot 99", "\(reader.snapshotCount) snapshots"]) { _ = try reader.weights("W_1", snapshot: 99) }
        assertStoreError(["no snapshot -1"]) { _ = try reader.bias(level: 1, snapshot: -1) }
        assertStoreError(["no metric descending_1", "reciprocity_1"]) { _ = try reader.metric("descending_1") }
    }
}

/// HDF5 files that the store did not write, made through the C API.
enum ForeignFile {
    static func create(_ path: String, _ body: (hid_t) throws -> Void) throws {
        let file = H5Fcreate(path, sa_H5F_ACC_TRUNC(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        guard file >= 0 else { throw StoreError("test setup: cannot create \(path)") }
        defer { H5Fclose(file) }
        try body(file)
    }

    static func modify(_ path: String, _ body: (hid_t) throws -> Void) throws {
        let file = H5Fopen(path, sa_H5F_ACC_RDWR(), sa_H5P_DEFAULT())
        guard file >= 0 else { throw StoreError("test setup: cannot open \(path)") }
        defer { H5Fclose(file) }
        try body(file)
    }

    static func setInteger(_ object: hid_t, _ name: String, _ value: Int32) {
        let space = H5Screate(H5S_SCALAR)
        let attribute = H5Acreate2(object, name, sa_H5T_STD_I32LE(), space, sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        var copy = value
        H5Awrite(attribute, sa_H5T_NATIVE_INT32(), &copy)
        H5Aclose(attribute)
        H5Sclose(space)
    }

    /// A fixed-length string attribute (as MATLAB's h5writeatt writes them).
    static func setString(_ object: hid_t, _ name: String, _ value: String) {
        let bytes = Array(value.utf8)
        let type = H5Tcopy(sa_H5T_C_S1())
        H5Tset_size(type, bytes.count)
        let space = H5Screate(H5S_SCALAR)
        let attribute = H5Acreate2(object, name, type, space, sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        H5Awrite(attribute, type, bytes)
        H5Aclose(attribute)
        H5Sclose(space)
        H5Tclose(type)
    }
}
