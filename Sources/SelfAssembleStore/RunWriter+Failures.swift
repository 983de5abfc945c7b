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
        guard let range = error.message.range(of: "error message = '"),
              let end = error.message[range.upperBound...].firstIndex(of: "'") else {
            return StoreError("HDF5 failed while \(what): \(error.message)")
        }
        let reason = String(error.message[range.upperBound..<end])
        return StoreError(reason.prefix(1).lowercased() + reason.dropFirst() + " while \(what)")
    }
}
