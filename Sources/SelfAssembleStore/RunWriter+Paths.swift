import Foundation

/// Checks of the output path before HDF5 sees it, so that common mistakes get a message that
/// names the path and the fix.
extension RunWriter {
    static func refusingToOverwrite(_ path: String) -> StoreError {
        StoreError("refusing to overwrite the existing file \(path): choose another --out, pass --overwrite to replace it, or --resume \(path) to continue it")
    }

    /// Checks the path before HDF5 sees it, so that the common mistakes get a message that
    /// names the fix rather than HDF5's low-level reason.
    static func checkCreatable(_ path: String, overwrite: Bool) throws {
        guard !path.isEmpty else { throw StoreError("cannot create a run file with an empty path: give a file name such as run.h5") }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw StoreError("cannot create the run file \(path): it is a directory; give a file name such as \(path)/run.h5")
            }
            if !overwrite { throw refusingToOverwrite(path) }
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw StoreError("cannot create the run file \(path): the directory \(directory) does not exist; create it first or choose another path")
        }
        guard isDirectory.boolValue else {
            throw StoreError("cannot create the run file \(path): \(directory) is not a directory")
        }
        guard manager.isWritableFile(atPath: directory) else {
            throw StoreError("cannot create the run file \(path): the directory \(directory) is not writable; choose another path")
        }
    }
}
