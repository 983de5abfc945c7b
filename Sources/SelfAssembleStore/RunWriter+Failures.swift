import Foundation

/// What the writer does when HDF5 fails while writing: the file on disk may hold part of the
/// last snapshot or flush (HDF5 keeps no journal), so the writer stops, gives its HDF5 objects
/// up without closing them (closing would flush again, fail again, and leave HDF5 1.10 with a
/// freed file that crashes the process at exit), and says in one line what went wrong.
extension RunWriter {
    /// Runs HDF5 writes (`what`: "writing snapshot 3 of run.h5", "finishing run.h5", ...); a
    /// failure makes the writer damaged and becomes a one-line StoreError naming the cause,
    /// e.g. "no space left on device while writing snapshot 3 of run.h5".
    func writing<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            abandon()
            throw Self.writeFailure(error, while: what)
        }
    }

    /// Stops the writer after a failed write: every HDF5 object of the file is given up
    /// without being closed (see ``HDF5Handle/abandon()``).
    func abandon() {
        isDamaged = true
        for (_, dataset) in series { dataset.handle.abandon() }
        series = []
        file?.abandon()
        file = nil
    }

    /// The operating system's reason when HDF5's message carries one ("No space left on device",
    /// "File too large", "Disk quota exceeded", "Read-only file system"): the cause in the
    /// user's words, with what was being done.
    static func writeFailure(_ error: StoreError, while what: String) -> StoreError {
        guard let reason = systemReason(error) else { return StoreError("HDF5 failed while \(what): \(error.message)") }
        return StoreError(reason.prefix(1).lowercased() + reason.dropFirst() + " while \(what)")
    }

    /// The operating system's reason in HDF5's message ("No space left on device"), if any.
    static func systemReason(_ error: StoreError) -> String? {
        guard let range = error.message.range(of: "error message = '"),
              let end = error.message[range.upperBound...].firstIndex(of: "'") else { return nil }
        return String(error.message[range.upperBound..<end])
    }

    /// A new run file that could not be created (and was removed): a full disk names the
    /// directory whose device is full and the fix; other reasons as ``writeFailure(_:while:)``.
    /// A failure already turned into a line (e.g. by ``writing(_:_:)``) is recognised by its
    /// leading reason.
    static func creationFailure(_ error: StoreError, path: String) -> StoreError {
        let noSpace = String(cString: strerror(ENOSPC))
        guard systemReason(error) == noSpace || error.message.hasPrefix(noSpace.prefix(1).lowercased() + noSpace.dropFirst()) else {
            return systemReason(error) == nil ? error : writeFailure(error, while: "creating \(path)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return StoreError("no space left on the device holding \(directory): the run file \(path) could not be created (nothing was left behind); free some space there, or choose an --out on another disk")
    }
}
