import Foundation
import Synchronization

/// Catches SIGINT and SIGTERM so that a run can finish its current step (and a snapshot being
/// written), mark its file "interrupted" and say how to continue, instead of dying mid-write.
enum SignalMonitor {
    private static let received = Atomic<Int32>(0)

    /// The environment variable through which a pool (compare, sweep) tells its child runs
    /// its process id.
    static let parentVariable = "SELFASSEMBLE_PARENT_PID"
    nonisolated(unsafe) private static var parent: pid_t?

    static func install() {
        // A run started by a pool stops as on SIGTERM once the pool's process is gone (a kill -9
        // of `sweep`): it would otherwise run on unwatched, and a restarted sweep would race it.
        if let text = ProcessInfo.processInfo.environment[parentVariable], let pid = pid_t(text) { parent = pid }
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
        if sig != 0 { return sig }
        // Orphaned: the kernel gave this process another parent.
        if let parent, getppid() != parent { return SIGTERM }
        return nil
    }
}

/// A command stopped by SIGINT or SIGTERM: one line on stderr (its description) and the
/// shell's exit code, 128 + the signal number.
protocol StoppedBySignal: Error, CustomStringConvertible {
    var exitCode: Int32 { get }
}

/// The name of a stopping signal, for messages.
func signalName(_ signal: Int32) -> String {
    signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
}

/// A run stopped by a signal between two steps; its file holds every snapshot up to the last one.
struct RunInterrupted: StoppedBySignal {
    let signal: Int32
    let step: Int
    let lastSnapshotStep: Int
    let path: String
    /// The file the run replaces once complete (`path` is then its partial run); it is unchanged.
    var replacing: String? = nil

    var signalName: String { selfassemble.signalName(signal) }

    /// The shell's convention: 128 + the signal number.
    var exitCode: Int32 { 128 + signal }

    var description: String {
        let unchanged = replacing.map { "; \($0) is unchanged until the continued run completes and replaces it" } ?? ""
        return "interrupted by \(signalName) at step \(step); \(path) holds every snapshot up to step \(lastSnapshotStep) and is marked interrupted: continue with `selfassemble simulate --resume \(path)`" + unchanged
    }
}

/// A batch of runs (`compare`, `sweep`) stopped by a signal: the signal was passed on to every
/// run under way; each that had its file stopped after its last snapshot and marked the file
/// interrupted, one stopped before it wrote its file has none, and the runs waiting for a turn
/// never started. Running the same command again continues the interrupted runs and runs the
/// others.
struct BatchInterrupted: StoppedBySignal {
    let signal: Int32
    /// The labels of the runs that were under way and marked their files interrupted, e.g. "fa seed 2".
    let runs: [String]
    /// The labels of the runs that were under way but had not written a file yet.
    var notStarted: [String] = []
    /// How many runs were still waiting for a turn.
    var waiting = 0
    /// The subcommand that continues them when run again, e.g. "compare".
    let command: String

    var exitCode: Int32 { 128 + signal }

    var description: String {
        var parts = [String]()
        if !runs.isEmpty {
            parts.append("\(runs.joined(separator: ", ")) stopped after \(runs.count == 1 ? "its" : "their") last snapshot and \(runs.count == 1 ? "is" : "are") marked interrupted")
        }
        var unstarted = notStarted
        if waiting > 0 { unstarted.append("\(waiting) \(notStarted.isEmpty ? "" : "more ")run\(waiting == 1 ? "" : "s") waiting for a turn") }
        if !unstarted.isEmpty {
            let one = notStarted.count + waiting == 1
            parts.append("\(unstarted.joined(separator: ", ")) \(one ? "was" : "were") not started (no run file)")
        }
        let again = runs.isEmpty ? "runs them" : unstarted.isEmpty ? "continues \(runs.count == 1 ? "it" : "them")" : "continues the interrupted runs, runs the others"
        return "\(command) interrupted by \(signalName(signal)): \(parts.joined(separator: "; ")); running the same `selfassemble \(command)` again \(again) and keeps the complete runs"
    }
}
