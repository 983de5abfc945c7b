import CHDF5Screen
import Foundation

/// Screening a file in a child process before the store reads it, because a damaged file can
/// crash or hang the HDF5 C library itself (HDF5 1.10.8, found by fuzzing the readers: a
/// corrupt B-tree node address makes it copy from a null pointer, a corrupt global-heap
/// collection makes it loop forever). No check in Swift can catch that: the crash takes the
/// command down. The child walks the file the way the readers do (Sources/CHDF5Screen); when
/// it crashes or does not finish, the file is reported as damaged with one line instead.
///
/// Every opening is screened, also of a file screened before: the file may have changed in
/// between (a run being written), and an identity such as inode, size and modification time
/// does not tell (a file rewritten in the same few milliseconds keeps all three).
public enum HDF5Screen {
    /// How long the walk may take before the file is called damaged (seconds). Walking a run
    /// file reads only its structure and small datasets: well under a second for the largest runs.
    nonisolated(unsafe) public static var timeLimit: Double = 30
    /// Datasets and attributes up to this size are read whole in the walk (metrics, steps,
    /// checkpoints); larger ones (the weight series) only have their chunk index walked.
    static let smallDatasetBytes: Int64 = 1 << 22

    /// Throws a StoreError when HDF5 crashes or hangs on `path`; returns when the walk
    /// finished (HDF5's ordinary errors are left to the readers, which report them) or when
    /// no child process could be started.
    static func check(_ path: String) throws {
        let outcome = sa_hdf5_screen(path, timeLimit, smallDatasetBytes)
        switch outcome {
        case SA_SCREEN_FINISHED, SA_SCREEN_NOT_RUN:
            return
        case SA_SCREEN_TIMED_OUT:
            throw StoreError("\(path) is damaged: the HDF5 library did not finish reading its structure in \(Int(timeLimit)) s (a corrupt file can make it loop); restore the file from a copy or run again")
        default:
            throw StoreError("\(path) is damaged: the HDF5 library crashed reading its structure (signal \(outcome)); restore the file from a copy or run again")
        }
    }
}
