import ArgumentParser

/// `selfassemble export` (being built).
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the circuit of one snapshot for connectome tools (SONATA or CSV edge list).")

    func run() throws {
        throw ValidationError("'selfassemble export' is not available in this build yet")
    }
}
