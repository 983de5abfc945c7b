import Foundation

/// Checks of the output path before HDF5 sees it, so that common mistakes get a message that
/// names the path and the fix.
extension RunWriter {
    /// Where a run that replaces `destination` is written until it is complete.
    public static func partialPath(replacing destination: String) -> String { destination + ".partial" }

    /// The file a new run at `destination` replaces: the existing file itself (a symbolic
    /// link's target, so that the link keeps pointing at the run), nil when there is none.
    static func replacedFile(_ destination: String) -> String? {
        guard FileManager.default.fileExists(atPath: destination) else { return nil }
        let type = (try? FileManager.default.attributesOfItem(atPath: destination))?[.type] as? FileAttributeType
        return type == .typeSymbolicLink ? URL(fileURLWithPath: destination).resolvingSymlinksInPath().path : destination
    }

    /// The file a partial run at `path` replaces, named `name` in the same directory.
    static func sibling(of path: String, named name: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
    }

    static func partialRunExists(_ partial: String, replacing destination: String) -> StoreError {
        if RunFileLock.isHeld(on: partial) { return RunFileLock.beingWritten(partial, action: "replace \(destination) through") }
        return StoreError("cannot replace \(destination): \(partial) exists, left by a replacement that did not finish; continue it with `selfassemble simulate --resume \(partial)`, or delete it to start again")
    }

    /// Renames the finished partial run over the file it replaces, with that file's
    /// permissions. Readers holding the old file open keep reading it (its inode stays).
    func replaceDestination() throws {
        if let permissions = try? FileManager.default.attributesOfItem(atPath: destination)[.posixPermissions] {
            try? FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
        }
        guard rename(path, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            throw StoreError("the run is complete in \(path) but could not replace \(destination) (\(reason)): move it there yourself")
        }
    }

    /// Checks that a run file can be continued in place (and renamed over the file it
    /// replaces), before HDF5 opens it for writing.
    static func checkContinuable(_ path: String, replacing destination: String?) throws {
        if access(path, W_OK) != 0 && errno != ENOENT {
            throw StoreError("cannot continue \(path): it is not writable (\(String(cString: strerror(errno)))); copy it to a writable place and continue the copy")
        }
        if destination != nil {
            let directory = (path as NSString).deletingLastPathComponent
            if access(directory.isEmpty ? "." : directory, W_OK) != 0 {
                throw StoreError("cannot continue \(path): its directory is not writable (\(String(cString: strerror(errno)))), so the finished run could not replace \(destination!)")
            }
        }
    }

    static func refusingToOverwrite(_ path: String) -> StoreError {
        if RunFileLock.isHeld(on: path) { return RunFileLock.beingWritten(path, action: "write") }
        // A complete run has nothing to continue: --resume is offered only for an incomplete one.
        if let reader = try? RunReader(path: path), reader.isComplete {
            return StoreError("refusing to overwrite the existing file \(path), a complete run: choose another --out, or pass --overwrite to replace it")
        }
        return StoreError("refusing to overwrite the existing file \(path): choose another --out, pass --overwrite to replace it, or --resume \(path) to continue it")
    }

    /// True for an empty file or one that starts with HDF5's signature (where every run file
    /// starts).
    static func looksLikeHDF5(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return true }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        return head.isEmpty || head == Data([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])
    }

    /// Checks that the file at `destination` (a symbolic link's target) is one that
    /// `simulate --overwrite` may replace: absent, empty (what a creation that failed for want
    /// of room could leave), or a selfassemble run file, which the root attribute `format` =
    /// "selfassemble-run" of the layout identifies (docs/hdf5-format.md). A data file, another
    /// HDF5 file (a sweep's summary.h5, one made with h5py) or an HDF5 file too damaged to
    /// tell is refused: --overwrite replaces runs, never what a mistyped --out names.
    ///
    /// Not part of ``init(creating:metadata:overwrite:compressionLevel:)``: the writer replaces
    /// any file it is told to (its callers decide what may go, and its tests stand text files in
    /// for old runs); `simulate`, `compare` and `sweep` all create their runs after this check.
    /// - Throws: StoreError naming the file, what it is, and the fix.
    public static func checkReplaceable(_ destination: String) throws {
        // A directory (or a missing file) is left to checkCreatable, which names it.
        var isDirectory: ObjCBool = false
        guard let target = replacedFile(destination), FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory),
              !isDirectory.boolValue, FileStamp(target).size > 0 else { return }
        let refusing = "refusing to replace \(destination):"
        let fix = "(--overwrite replaces run files only); choose another --out, or delete it yourself if it is to go"
        guard looksLikeHDF5(target) else {
            throw StoreError("\(refusing) it is not an HDF5 file, so not a run (--overwrite replaces run files only, e.g. not a data file); choose another --out, or delete it yourself if it is to go")
        }
        HDF5Diagnostics.silence()
        let format: String?
        do {
            let file = try HDF5Introspection.openReadOnly(target)
            format = file.hasAttribute(RunLayout.Root.format) ? try? file.stringAttribute(RunLayout.Root.format, of: target) : nil
        } catch {
            _ = HDF5Diagnostics.takeLatest()
            throw StoreError("\(refusing) it is an HDF5 file too damaged to read, so whether it is a run cannot be told \(fix)")
        }
        guard format == RunLayout.format else {
            throw StoreError("\(refusing) it is an HDF5 file but not a selfassemble run (no root attribute \(RunLayout.Root.format) = \"\(RunLayout.format)\"; e.g. a sweep's summary.h5) \(fix)")
        }
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
            if RunFileLock.isHeld(on: path) { throw RunFileLock.beingWritten(path, action: "replace") }

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
