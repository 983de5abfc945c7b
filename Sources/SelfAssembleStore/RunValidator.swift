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

    public var isValid: Bool { errors.isEmpty }

    /// "run.h5: valid (format 1, 17 snapshots, complete)" for a valid file.
    public var summaryLine: String {
        let format = formatVersion.map(String.init) ?? "?"
        let snapshots = snapshotCount.map { "\($0) snapshot\($0 == 1 ? "" : "s")" } ?? "? snapshots"
        let state = isValid ? "valid" : "not valid: \(errors.count) violation\(errors.count == 1 ? "" : "s")"
        return "\(path): \(state) (format \(format), \(snapshots), \(status ?? "status unknown"))"
    }
}

/// Checks a file against the documented run-file layout and names each violation.
///
/// Validation is separate from RunReader on purpose: the reader stops at the first problem
/// that keeps it from answering a question, while the validator keeps going and lists every
/// departure (each with its location), so that a damaged or hand-made file can be repaired in
/// one go. It reads every value, so a corrupted chunk is found too; it never traps on a file.
public enum RunValidator {
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
        let file = try HDF5Introspection.openFile(path)
        let checker = RunLayoutChecker(file: file, path: path)
        checker.checkAll()
        return RunValidationReport(
            path: path,
            errors: checker.findings.filter { $0.severity == .error },
            warnings: checker.findings.filter { $0.severity == .warning },
            formatVersion: checker.formatVersion,
            snapshotCount: checker.snapshotCount,
            status: checker.status)
    }
}
