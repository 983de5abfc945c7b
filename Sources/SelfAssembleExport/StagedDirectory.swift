import Foundation

/// An output directory that appears whole or not at all, and whose replacement touches only
/// what an export writes.
///
/// A new directory is written as a hidden temporary directory next to the destination (on the
/// same file system, so the final rename is atomic) and renamed into place once every file is
/// complete. An existing directory is never removed (it may be the current directory, or hold
/// what a user put there): the files are written into a hidden temporary directory inside it
/// and, once all are complete, renamed over a previous export's files; a previous export's
/// files that this one does not write (the other format's) are removed after that. An export
/// that fails half-way (a full disk, a damaged run file, Ctrl-C) leaves no half-written circuit
/// that a connectome tool could mistake for a real one, and the previous export as it was.
///
/// An existing directory is used only when it is empty, or (with `overwrite`) holds nothing
/// but a previous export's files: never when it holds the run file being exported, or anything
/// else, which the user would lose.
struct StagedDirectory {
    /// The prefix of the temporary directory inside an existing destination; one left behind
    /// by a killed export is removed by the next export into that directory.
    static let stagingPrefix = ".selfassemble-export-partial-"

    let destination: String
    let staging: String
    /// True when the destination exists: the files are moved into it, one by one.
    let exists: Bool
    /// The names an export writes (every format's): what a replacement may remove.
    let exportNames: Set<String>

    /// Checks the destination before any work is done: its parent must exist, and it must be
    /// absent, an empty directory, or (with `overwrite`) a directory of `exportNames` files only.
    /// - Parameters:
    ///   - exportNames: the file names any export writes; nothing else is ever replaced.
    ///   - input: the run file being exported, which the destination must not hold.
    init(destination: String, overwrite: Bool, exportNames: Set<String> = [], input: String? = nil) throws {
        guard !destination.isEmpty else { throw ExportError("the output directory is empty: give a directory such as circuit-step100") }
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        self.destination = url.path
        self.exportNames = exportNames
        let manager = FileManager.default
        let parent = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: self.destination, isDirectory: &isDirectory) else {
            guard manager.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ExportError("cannot export to \(destination): the directory \(parent) does not exist; create it first or choose another output directory")
            }
            guard manager.isWritableFile(atPath: parent) else {
                throw ExportError("cannot export to \(destination): the directory \(parent) is not writable; choose another output directory")
            }
            exists = false
            staging = parent + "/." + url.lastPathComponent + ".partial-" + UUID().uuidString.prefix(8)
            return
        }
        guard isDirectory.boolValue else {
            throw ExportError("cannot export to \(destination): it is a file, not a directory; choose a directory name")
        }
        guard manager.isWritableFile(atPath: self.destination) else {
            throw ExportError("cannot export to \(destination): the directory is not writable; choose another output directory")
        }
        let path = self.destination
        let contents = try Self.contents(of: path, named: destination)
        let inputIdentity = input.flatMap(Self.identity)
        if let held = contents.first(where: { inputIdentity != nil && Self.identity(path + "/" + $0) == inputIdentity }) {
            throw ExportError("refusing to export into \(destination): it holds the run file being exported (\(held)); choose another output directory, e.g. a new one")
        }
        let foreign = contents.filter { !Self.isExportFile($0, in: path, names: exportNames) }
        if let first = foreign.first {
            let more = foreign.count > 1 ? " and \(foreign.count - 1) more" : ""
            throw ExportError("refusing to export into \(destination): it holds \(first)\(more), which an export does not write (--overwrite replaces only a previous export's files); choose a new or empty output directory")
        }
        if !contents.isEmpty && !overwrite {
            throw ExportError("refusing to export into \(destination): it holds a previous export; pass --overwrite to replace it, or choose a new or empty output directory")
        }
        exists = true
        staging = self.destination + "/" + Self.stagingPrefix + UUID().uuidString.prefix(8)
    }

    /// The entries of an existing directory, or one line saying why they cannot be read.
    private static func contents(of path: String, named name: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw ExportError("cannot export to \(name): its contents cannot be read (\(error.localizedDescription)); choose another output directory")
        }
    }

    /// A regular file of an export's name, or a temporary directory a killed export left.
    private static func isExportFile(_ name: String, in directory: String, names: Set<String>) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory) else { return false }
        if name.hasPrefix(stagingPrefix) { return isDirectory.boolValue }
        return names.contains(name) && !isDirectory.boolValue && identity(directory + "/" + name) != nil
    }

    /// The device and inode of a file (after symbolic links): the same file under any name.
    private static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// Runs `body` with the staging directory, then moves its files into place. On any error
    /// the staging directory is removed and the destination is left as it was.
    func commit<T>(_ body: (String) throws -> T) throws -> T {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw ExportError("cannot create a temporary directory \(staging) for the export: \(error.localizedDescription)")
        }
        do {
            let result = try body(staging)
            if exists {
                try moveFilesIntoPlace()
            } else {
                try manager.moveItem(atPath: staging, toPath: destination)
            }
            return result
        } catch {
            try? manager.removeItem(atPath: staging)
            if error is ExportError { throw error }
            throw ExportError("cannot move the export into \(destination): \(error.localizedDescription)")
        }
    }

    /// Renames every staged file over its namesake (rename(2) on one file system: each file is
    /// the old one or the new one, never half of either), then removes the previous export's
    /// files that this one did not write and temporary directories of killed exports.
    private func moveFilesIntoPlace() throws {
        let manager = FileManager.default
        let written = try manager.contentsOfDirectory(atPath: staging)
        for name in written where rename(staging + "/" + name, destination + "/" + name) != 0 {
            throw ExportError("cannot move \(name) into \(destination) (\(String(cString: strerror(errno)))): export again")
        }
        try? manager.removeItem(atPath: staging)
        for name in exportNames.subtracting(written) { unlink(destination + "/" + name) }
        for name in (try? manager.contentsOfDirectory(atPath: destination)) ?? [] where name.hasPrefix(Self.stagingPrefix) {
            try? manager.removeItem(atPath: destination + "/" + name)
        }
    }
}
