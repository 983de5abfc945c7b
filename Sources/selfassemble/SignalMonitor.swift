import Foundation
import Synchronization

/// Catches SIGINT and SIGTERM so that a run can finish its current step (and a snapshot being
/// written), mark its file "interrupted" and say how to continue, instead of dying mid-write.
enum SignalMonitor {
    private static let received = Atomic<Int32>(0)

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { number in SignalMonitor.received.store(number, ordering: .relaxed) }
        }
        // A file-size limit (ulimit -f) makes the write fail with "file too large", which the
        // store reports in one line and before writing, instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
    }

    /// The signal received since `install`, if any.
    static var pending: Int32? {
        let sig = received.load(ordering: .relaxed)
        return sig == 0 ? nil : sig
    }
}

/// A run stopped by a signal between two steps; its file holds every snapshot up to the last one.
struct RunInterrupted: Error, CustomStringConvertible {
    let signal: Int32
    let step: Int
    let lastSnapshotStep: Int
    let path: String
    /// The file the run replaces once complete (`path` is then its partial run); it is unchanged.
    var replacing: String? = nil

    var signalName: String { signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)" }

    /// The shell's convention: 128 + the signal number.
    var exitCode: Int32 { 128 + signal }

    var description: String {
        let unchanged = replacing.map { "; \($0) is unchanged until the continued run completes and replaces it" } ?? ""
        return "interrupted by \(signalName) at step \(step); \(path) holds every snapshot up to step \(lastSnapshotStep) and is marked interrupted: continue with `selfassemble simulate --resume \(path)`" + unchanged
    }
}
