import ArgumentParser

/// `selfassemble report` (being built).
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report when and where the four-synapse motif assembled, with figures and anatomical statistics.")

    func run() throws {
        throw ValidationError("'selfassemble report' is not available in this build yet")
    }
}
