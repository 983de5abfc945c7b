import ArgumentParser
import Foundation
import SelfAssembleStore

/// `selfassemble inspect FILE`: what a run file holds, for a person (text) or a script (--json).
/// The reading is RunInspection's (SelfAssembleStore), so scripts using the library get the
/// same facts.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what a run file holds: format, configuration, populations and projections, snapshots, last metrics, assembly onsets.",
        discussion: "Works on a run that is still being written or was interrupted: it shows every completed snapshot.")

    @Argument(help: ArgumentHelp("The run file (.h5) written by 'selfassemble simulate'.", valueName: "file"))
    var file: String

    @Flag(help: "Print one JSON object (every field, exact numbers; null where a value is not defined).")
    var json = false

    func run() throws {
        let inspection = try RunInspection(path: file)
        Terminal.standardOutput(json ? try inspection.json() : inspection.text())
    }
}
