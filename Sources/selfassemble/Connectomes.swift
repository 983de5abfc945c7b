import ArgumentParser

/// `selfassemble connectomes` (being built).
struct Connectomes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the circuit definitions shipped in Connectomes/.")

    func run() throws {
        throw ValidationError("'selfassemble connectomes' is not available in this build yet")
    }
}
