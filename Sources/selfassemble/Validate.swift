import ArgumentParser
import Foundation
import SelfAssembleStore

/// `selfassemble validate FILE`: checks a file against docs/hdf5-format.md. Prints
/// "FILE: valid (...)" and exits 0, or one line per violation on stdout, a closing error line on
/// stderr and exit 1; a file that cannot be opened at all is one error line on stderr (exit 1),
/// as for every command.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a run file against the documented layout and name each violation.",
        discussion: "Exit status: 0 valid, 1 not valid or not readable. Warnings (undocumented extras) do not make a file invalid.")

    @Argument(help: ArgumentHelp("The run file (.h5) to check.", valueName: "file"))
    var file: String

    @Flag(help: "Print the report as one JSON object (path, errors, warnings, format version, snapshots, status).")
    var json = false

    @Flag(name: .customLong("no-warnings"), help: "Do not print warnings.")
    var noWarnings = false

    func run() throws {
        let report = try RunValidator.report(path: file)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            Terminal.standardOutput(String(decoding: try encoder.encode(ValidationJSON(report)), as: UTF8.self))
        } else {
            for violation in report.errors { Terminal.standardOutput("\(file): \(violation)") }
            if !noWarnings {
                for warning in report.warnings { Terminal.standardOutput("\(file): \(warning)") }
            }
            if report.isValid { Terminal.standardOutput(report.summaryLine) }
        }
        if !report.isValid { throw InvalidRunFile(report: report) }
    }
}

/// The closing line on stderr of an invalid file (the violations themselves are on stdout).
private struct InvalidRunFile: Error, CustomStringConvertible {
    let report: RunValidationReport

    var description: String {
        let count = report.errors.count
        return "\(report.path) does not follow the run-file layout: \(count) violation\(count == 1 ? "" : "s") (listed on stdout; the layout is documented in docs/hdf5-format.md)"
    }
}

/// The report with `valid` spelled out, for scripts.
private struct ValidationJSON: Encodable {
    let valid: Bool
    let report: RunValidationReport

    init(_ report: RunValidationReport) {
        valid = report.isValid
        self.report = report
    }

    func encode(to encoder: Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(valid, forKey: .valid)
    }

    private enum Key: String, CodingKey { case valid }
}
