import ArgumentParser

/// `selfassemble inspect` (being built).
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print what a run file holds: format, configuration, populations and projections, snapshots, last metrics, assembly onsets.")

    func run() throws {
        throw ValidationError("'selfassemble inspect' is not available in this build yet")
    }
}
