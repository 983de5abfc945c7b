import Foundation

/// An output directory that appears whole or not at all.
///
/// The files are written into a hidden temporary directory next to the destination (on the
/// same file system, so the final rename is atomic) and moved into place only once every file
/// is complete. An export that fails half-way (a full disk, a damaged run file, Ctrl-C) leaves
/// no half-written circuit that a connectome tool could mistake for a real one.
struct StagedDirectory {
    let destination: String
    let overwrite: Bool
    let staging: String

    /// Checks the destination before any work is done: its parent must exist, and it must be
    /// absent or an empty directory (or any directory with `overwrite`).
    init(destination: String, overwrite: Bool) throws {
        guard !destination.isEmpty else { throw ExportError("the output directory is empty: give a directory such as circuit-step100") }
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        self.destination = url.path
        self.overwrite = overwrite
        let manager = FileManager.default
        let parent = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ExportError("cannot export to \(destination): the directory \(parent) does not exist; create it first or choose another output directory")
        }
        guard manager.isWritableFile(atPath: parent) else {
            throw ExportError("cannot export to \(destination): the directory \(parent) is not writable; choose another output directory")
        }
        if manager.fileExists(atPath: self.destination, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ExportError("cannot export to \(destination): it is a file, not a directory; choose a directory name")
            }
            let contents = (try? manager.contentsOfDirectory(atPath: self.destination)) ?? []
            if !contents.isEmpty && !overwrite {
                throw ExportError("refusing to export into \(destination): the directory is not empty; choose another output directory or pass --overwrite to replace it")
            }
        }
        staging = parent + "/." + url.lastPathComponent + ".partial-" + UUID().uuidString.prefix(8)
    }

    /// Runs `body` with the staging directory, then moves it into place. On any error the
    /// staging directory is removed and the destination is left as it was.
    func commit<T>(_ body: (String) throws -> T) throws -> T {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw ExportError("cannot create a temporary directory next to \(destination): \(error.localizedDescription)")
        }
        do {
            let result = try body(staging)
            if manager.fileExists(atPath: destination) {
                // Checked empty (or --overwrite) up front; the old directory goes only now
                // that the new one is complete.
                try manager.removeItem(atPath: destination)
            }
            try manager.moveItem(atPath: staging, toPath: destination)
            return result
        } catch {
            try? manager.removeItem(atPath: staging)
            if error is ExportError { throw error }
            throw ExportError("cannot move the export into \(destination): \(error.localizedDescription)")
        }
    }
}
