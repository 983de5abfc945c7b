import Foundation

/// One way in which a file departs from the documented run-file layout (docs/hdf5-format.md).
///
/// `location` is the HDF5 path of the object concerned ("/", "/projections/W_2",
/// "/snapshots/step"); attributes are named in the message. Errors are departures a reader
/// may trip over; warnings are things the layout does not document but that harm no reader
/// (an extra attribute or group, an unusual chunk size), so that files written by newer
/// versions or annotated by hand still validate.
public struct RunViolation: Equatable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Equatable, Sendable, Codable {
        case error, warning
    }

    public let location: String
    public let message: String
    public let severity: Severity

    public init(location: String, message: String, severity: Severity = .error) {
        self.location = location
        self.message = message
        self.severity = severity
    }

    /// One line, e.g. `/projections/W_2: shape [3, 6, 8], expected [S, 6, 7] ...`.
    public var description: String {
        (severity == .warning ? "warning: " : "") + location + ": " + message
    }
}

/// The outcome of validating one file: what it is (as far as it could be read) and every
/// violation found.
public struct RunValidationReport: Equatable, Sendable, Codable {
    public let path: String
    /// Departures that make the file not a valid run file.
    public let errors: [RunViolation]
    /// Undocumented extras and oddities that harm no reader.
    public let warnings: [RunViolation]
    /// The `format_version` attribute, when it could be read.
    public let formatVersion: Int?
    /// The length of /snapshots/step, when it could be read.
    public let snapshotCount: Int?
    /// The `status` attribute, when it could be read.
    public let status: String?
    /// True when a writer added to the file while it was checked, or holds it now: the run is
    /// still being written, and the report is as of its first `snapshotCount` snapshots.
    public let beingWritten: Bool
    /// Where learning diverged, for a complete run that diverged (the summary's `diverged_at_step`).
    public let divergedAtStep: Int?
    /// The status in words (``RunCondition``, the words `inspect` prints too): "complete",
    /// "complete, diverged at step 412", "running: still being written", "running, but no
    /// process is writing it: the run was killed; ...".
    public let condition: String

    public var isValid: Bool { errors.isEmpty }

    /// "run.h5: valid (format 1, 17 snapshots, complete)" for a valid file; a run still being
    /// written says so: "run.h5: valid (format 1, 12 snapshots, running: still being written,
    /// checked as of its first 12 snapshots)".
    public var summaryLine: String {
        let format = formatVersion.map(String.init) ?? "?"
        let snapshots = snapshotCount.map { "\($0) snapshot\($0 == 1 ? "" : "s")" } ?? "? snapshots"
        let state = isValid ? "valid" : "not valid: \(errors.count) violation\(errors.count == 1 ? "" : "s")"
        var condition = status == nil ? "status unknown" : self.condition
        if beingWritten, let count = snapshotCount {
            condition += ", checked as of its first \(count) snapshot\(count == 1 ? "" : "s")"
        }
        return "\(path): \(state) (format \(format), \(snapshots), \(condition))"
    }
}

/// Checks a file against the documented run-file layout and names each violation.
///
/// Validation is separate from RunReader on purpose: the reader stops at the first problem
/// that keeps it from answering a question, while the validator keeps going and lists every
/// departure (each with its location), so that a damaged or hand-made file can be repaired in
/// one go. It reads every value, so a corrupted chunk is found too; it never traps on a file.
///
/// A run still being written is checked as of one snapshot count: the snapshots completed
/// when the check began (the length of /snapshots/step then), whatever the writer adds
/// meanwhile. HDF5 keeps no journal, so a reader can still catch the writer in the middle of
/// a flush: when a check finds errors and the file changed while it ran, the check is done
/// again, and errors are reported only from a check during which the file stood still (or
/// after several attempts). A healthy file being written is never called damaged.
public enum RunValidator {
    /// How often a file that keeps changing under a check that finds errors is checked again.
    static let attempts = 8
    /// Every violation and warning; empty for a valid file without oddities. A file that
    /// cannot be opened as HDF5 at all gives one error at location "file".
    public static func validate(path: String) -> [RunViolation] {
        do {
            let report = try report(path: path)
            return report.errors + report.warnings
        } catch {
            return [RunViolation(location: "file", message: String(describing: error))]
        }
    }

    /// The full report. Throws a StoreError (one line naming the problem and the fix) when the
    /// file cannot be opened as HDF5 at all: missing, a directory, empty, not HDF5, or so
    /// truncated or damaged that HDF5 cannot open it.
    public static func report(path: String) throws -> RunValidationReport {
        var attempt = 0
        while true {
            let before = try FileState(path)
            let checker = try check(path, asOf: before.snapshotCount)
            let changed = (try? FileState(path)) != before
            // Lengths past the counted snapshots are damage only in a file that stood still.
            let errors = checker.findings.filter { $0.severity == .error } + (changed ? [] : checker.pending)
            attempt += 1
            if errors.isEmpty || !changed || attempt == attempts {
                let complete = checker.status == RunLayout.Status.complete
                let diverged = complete ? RunCondition.divergedAtStep(path: path) : nil
                let condition = checker.status.map { RunCondition(path: path, status: $0, divergedAtStep: diverged, changing: changed) }
                return RunValidationReport(
                    path: path, errors: errors, warnings: checker.findings.filter { $0.severity == .warning },
                    formatVersion: checker.formatVersion, snapshotCount: checker.snapshotCount, status: checker.status,
                    beingWritten: condition?.isBeingWritten ?? false, divergedAtStep: diverged,
                    condition: condition?.phrase(path: path) ?? "status unknown")
            }
            // Caught the writer in the middle of a snapshot: give it a moment, then look again.
            Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
        }
    }

    /// One check of the file as it is now, as of `snapshotCount` snapshots.
    private static func check(_ path: String, asOf snapshotCount: Int?) throws -> RunLayoutChecker {
        let file = try HDF5Introspection.openFile(path)
        let checker = RunLayoutChecker(file: file, path: path, snapshotCount: snapshotCount)
        checker.checkAll()
        return checker
    }
}

/// What tells whether a file changed while it was checked: the file's stamp and the run's
/// status and snapshot count.
private struct FileState: Equatable {
    var stamp: FileStamp
    var status: String?
    var snapshotCount: Int?

    /// Throws the one-line StoreError of a file that cannot be opened as HDF5 at all.
    init(_ path: String) throws {
        stamp = FileStamp(path)
        // Opened and closed again before the check opens it: HDF5 shares one open file per process.
        let file = try HDF5Introspection.openFile(path)
        status = try? file.stringAttribute(RunLayout.Root.status, of: path)
        snapshotCount = RunLayoutChecker(file: file, path: path).countSnapshots()
        _ = HDF5Diagnostics.takeLatest()
    }
}
