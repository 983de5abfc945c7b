import ArgumentParser

/// `selfassemble validate` (being built).
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a run file against the documented layout and name each violation.")

    func run() throws {
        throw ValidationError("'selfassemble validate' is not available in this build yet")
    }
}
