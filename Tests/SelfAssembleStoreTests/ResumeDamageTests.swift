import CHDF5
import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// A damaged file cannot make `simulate --resume` trap or size a run from nonsense: what the
/// resume point takes from the file must agree with itself (found by fuzzing: a checkpoint
/// at step Int.min trapped on an overflow when the simulation was rebuilt from it).
final class ResumeDamageTests: XCTestCase {
    private func interruptedRun(in directory: TemporaryDirectory) throws -> String {
        let path = directory.file("run.h5")
        try TinyRun.write(to: path, compare: false, finish: false)
        XCTAssertNoThrow(try RunReader(path: path).resumePoint())
        return path
    }

    /// Replaces the checkpoint of the last snapshot with `checkpoint` (a variable-length UTF-8 string).
    private func writeLastCheckpoint(_ checkpoint: SimulationCheckpoint, to path: String, index: Int) throws {
        let json = try checkpoint.json()
        try ForeignFile.modify(path) { file in
            let dataset = H5Dopen2(file, "resume/checkpoint", sa_H5P_DEFAULT())
            defer { H5Dclose(dataset) }
            let type = H5Tcopy(sa_H5T_C_S1())
            defer { H5Tclose(type) }
            H5Tset_size(type, sa_H5T_VARIABLE())
            H5Tset_cset(type, H5T_CSET_UTF8)
            let fileSpace = H5Dget_space(dataset)
            defer { H5Sclose(fileSpace) }
            H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, [hsize_t(index)], nil, [1], nil)
            let memorySpace = H5Screate_simple(1, [1], nil)
            defer { H5Sclose(memorySpace) }
            json.withCString { text in
                var pointers: [UnsafePointer<CChar>?] = [text]
                let status = H5Dwrite(dataset, type, memorySpace, fileSpace, sa_H5P_DEFAULT(), &pointers)
                if status < 0 { H5Eprint2(sa_H5E_DEFAULT(), nil) }
                XCTAssertGreaterThanOrEqual(status, 0)
            }
        }
    }

    func testACheckpointAtAnotherStepThanItsSnapshotIsDamage() throws {
        let directory = try TemporaryDirectory()
        let path = try interruptedRun(in: directory)
        // The reader is closed before the file is opened for writing (HDF5 allows one or the other).
        let (last, lastStep, original) = try { () throws -> (Int, Int, SimulationCheckpoint) in
            let reader = try RunReader(path: path)
            let last = reader.snapshotCount - 1
            return (last, try reader.steps()[last], try reader.checkpoint(snapshot: last))
        }()
        var checkpoint = original
        for step in [Int.min, -1, lastStep + 1] {
            checkpoint.step = step
            try writeLastCheckpoint(checkpoint, to: path, index: last)
            assertStoreError(["the checkpoint of the last snapshot", "is at step \(step), the snapshot at step \(lastStep)",
                              "the file is damaged and cannot be continued"]) {
                _ = try RunReader(path: path).resumePoint()
            }
        }
    }

    func testAConfigurationThatDoesNotDescribeTheCircuitIsDamage() throws {
        let directory = try TemporaryDirectory()
        let path = try interruptedRun(in: directory)
        var configuration = try RunReader(path: path).configuration()
        configuration.sizes = [8, 6, 1 << 40, 3]  // a flipped bit in the stored JSON: a circuit of 2^40 cells
        let json = try configuration.json()
        try ForeignFile.modify(path) { file in
            XCTAssertGreaterThanOrEqual(H5Adelete(file, "configuration"), 0)
            ForeignFile.setString(file, "configuration", json)
        }
        assertStoreError(["does not describe the circuit in its /populations (sizes [8, 6, 1099511627776, 3])", "cannot be continued"]) {
            _ = try RunReader(path: path).resumePoint()
        }
    }
}

/// A damaged shape cannot make a reader allocate what the file does not hold (found by
/// fuzzing: an 87 KB file whose /snapshots/step claimed 2^30 entries made `inspect` allocate
/// gigabytes of fill values for over a minute).
final class ClaimedShapeTests: XCTestCase {
    func testAShapeBeyondTheStoredBytesIsDamageBeforeAnyAllocation() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5")
        try TinyRun.write(to: path, compare: false)
        try ForeignFile.modify(path) { file in
            let dataset = H5Dopen2(file, "snapshots/step", sa_H5P_DEFAULT())
            defer { H5Dclose(dataset) }
            XCTAssertGreaterThanOrEqual(H5Dset_extent(dataset, [hsize_t(1 << 30)]), 0)
        }
        let reader = try RunReader(path: path)
        XCTAssertEqual(reader.snapshotCount, 1 << 30)
        assertStoreError(["/snapshots/step in", "claims shape [1073741824] but stores only", "too few for 1073741824 values: the file is damaged"]) {
            _ = try reader.steps()
        }
        assertStoreError(["claims shape [1073741824]"]) { _ = try RunInspection(path: path) }
    }
}
