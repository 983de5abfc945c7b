import Foundation

/// What tells a reader that a file changed under it: its identity (a replacement is a new
/// inode), size and time of last change.
struct FileStamp: Equatable {
    var inode: Int
    var size: Int
    var modified: Date

    /// The stamp of the file at `path` now (zeros for a file that cannot be looked at).
    init(_ path: String) {
        let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
        inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? 0
        size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        modified = attributes[.modificationDate] as? Date ?? .distantPast
    }

    /// Runs `open` and, while it fails on a file that changes meanwhile, runs it again.
    ///
    /// A run being written is flushed after every snapshot, and HDF5 writes the new end of
    /// the file before the data that reach it: a reader opening the file in that instant is
    /// told "truncated file". A file that stays as it is fails for real and the error is thrown.
    static func retryingWhileWritten<T>(_ path: String, attempts: Int = 8, _ open: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            let before = FileStamp(path)
            do {
                return try open()
            } catch {
                attempt += 1
                // Give a writer in the middle of a flush the moment it needs to finish it.
                Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
                guard attempt < attempts, FileStamp(path) != before else { throw error }
            }
        }
    }
}
