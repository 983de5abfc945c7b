import Foundation

/// What a run file's `status` means now, in the words `validate` and `inspect` both print.
///
/// The `status` attribute says `running` from creation to the end, so a run killed outright
/// (SIGKILL, a lost machine) keeps saying it. Whether a process is writing the file now is
/// the run-file lock (``RunFileLock``): every writer holds it from opening to closing, and the
/// kernel drops it when the writer dies, `kill -9` included. So a `running` file whose lock
/// nobody holds was killed (or is the file of a run that has just been created and not locked
/// yet, for a moment), and `simulate --resume` continues it.
public enum RunCondition: Equatable, Sendable {
    case complete(divergedAtStep: Int?)
    case interrupted
    /// `running`, and a process writes it now.
    case beingWritten
    /// `running`, but no process writes it: killed.
    case killed
    /// A status this version does not know (a damaged or foreign file).
    case other(String)

    /// The condition of the run file at `path` whose `status` attribute is `status`.
    /// - Parameters:
    ///   - divergedAtStep: where learning diverged (the summary's `diverged_at_step`), for a complete run.
    ///   - changing: true when the file was seen to change (a reader comparing two looks at it):
    ///     a writer is at work even if the lock could not be seen.
    public init(path: String, status: String, divergedAtStep: Int? = nil, changing: Bool = false) {
        switch status {
        case RunLayout.Status.complete: self = .complete(divergedAtStep: divergedAtStep)
        case RunLayout.Status.interrupted: self = .interrupted
        case RunLayout.Status.running: self = changing || RunFileLock.isHeld(on: path) ? .beingWritten : .killed
        default: self = .other(status)
        }
    }

    /// True while a process writes the file.
    public var isBeingWritten: Bool { self == .beingWritten }

    /// "complete", "complete, diverged at step 4210", "interrupted: ...", "running: still being
    /// written", "running, but no process is writing it: killed ...".
    public func phrase(path: String) -> String {
        switch self {
        case .complete(let step): return "complete" + (step.map { ", diverged at step \($0)" } ?? "")
        case .interrupted: return "interrupted (stopped by SIGINT or SIGTERM after a snapshot): continue it with `selfassemble simulate --resume \(path)`"
        case .beingWritten: return "running: still being written"
        case .killed: return "running, but no process is writing it: the run was killed; continue it with `selfassemble simulate --resume \(path)`"
        case .other(let status): return status
        }
    }
}

extension RunCondition {
    /// The summary's `diverged_at_step` of a complete run file, nil when it did not diverge or
    /// the attribute cannot be read (the validator names that as a violation of its own).
    static func divergedAtStep(path: String) -> Int? {
        guard let file = try? HDF5Introspection.openFile(path),
              let summary = try? HDF5.openGroup(file, RunLayout.summary, in: path),
              let step = try? summary.integerAttribute(RunLayout.Summary.divergedAtStep, of: path) else {
            _ = HDF5Diagnostics.takeLatest()
            return nil
        }
        return step < 0 ? nil : Int(step)
    }
}
