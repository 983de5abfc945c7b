import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private directory for the files a target hands its readers (most readers take a path).
/// One per process, reused for every input; the same names are overwritten each time.
public final class FuzzScratch: @unchecked Sendable {
    public let directory: URL

    public init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("selfassemble-fuzz-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The path of `name` in the scratch directory.
    public func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Writes `bytes` to `name` (replacing it) and returns its path. With plain POSIX calls, and
    /// by removing the old file rather than truncating it: Foundation's `Data.write` syncs the
    /// file to disk, and ext4 flushes a file truncated and rewritten when it is closed; either
    /// would make the disk, not the readers, the bottleneck of a fuzzing run.
    @discardableResult
    public func write(_ bytes: [UInt8], to name: String) throws -> String {
        let path = path(name)
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw FuzzScratchError("cannot create \(path): errno \(errno)") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw FuzzScratchError("cannot write \(path): errno \(errno)") }
            written += n
        }
        return path
    }

    /// The directory `name` in the scratch directory, created if needed (and otherwise kept
    /// as it is, for the same reason as in ``write(_:to:)``).
    public func directory(_ name: String) throws -> String {
        let path = path(name)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Removes the file `name` if it exists.
    public func remove(_ name: String) {
        unlink(path(name))
    }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

struct FuzzScratchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
