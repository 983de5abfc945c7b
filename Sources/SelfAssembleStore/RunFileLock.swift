import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Marks a run file as being written: an open-file-description write lock (Linux
/// `F_OFD_SETLK`) on the file, held by the one ``RunWriter`` that writes it, from opening to
/// closing.
///
/// Why: HDF5's own file locking is off so that inspect, h5py and MATLAB can read a run while
/// it is written; without a lock a second writer (`--resume` of a run that is still going, or
/// a new run over its partial file) would write into the same file and corrupt it. Readers
/// never take this lock, so they are not affected. An OFD lock belongs to the open file
/// description, not to the process: HDF5 opening and closing the same file in this process
/// does not release it (as it would a classic `fcntl` lock), it does not interact with the
/// `flock` locks HDF5 may take, and the kernel drops it when the process ends, `kill -9`
/// included, so a killed run can always be continued.
final class RunFileLock {
    private let descriptor: Int32

    /// Takes the lock, or throws when another writer holds it.
    /// - Throws: StoreError "… is being written by another selfassemble process …".
    init(path: String, action: String) throws {
        descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError("cannot \(action) \(path): \(String(cString: strerror(errno)))")
        }
        var lock = Self.wholeFile(type: Int16(F_WRLCK))
        if fcntl(descriptor, Self.setLock, &lock) != 0 {
            let busy = errno == EAGAIN || errno == EACCES
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy { throw Self.beingWritten(path, action: action) }
            throw StoreError("cannot \(action) \(path): locking it failed (\(reason))")
        }
    }

    deinit { close(descriptor) }

    /// True when another writer holds the lock on `path` (false for a missing file).
    static func isHeld(on path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var lock = wholeFile(type: Int16(F_WRLCK))
        guard fcntl(fd, getLock, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }

    static func beingWritten(_ path: String, action: String) -> StoreError {
        StoreError("cannot \(action) \(path): it is being written by another selfassemble process right now; wait for that run to finish (or stop it with Ctrl-C), then try again")
    }

    // F_OFD_GETLK and F_OFD_SETLK (Linux >= 3.15), not exported by every Glibc module map.
    private static let getLock: Int32 = 36
    private static let setLock: Int32 = 37

    private static func wholeFile(type: Int16) -> flock {
        var lock = flock()
        lock.l_type = type
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        lock.l_pid = 0  // must be 0 for OFD locks
        return lock
    }
}
