import ArgumentParser
import Foundation
import SelfAssemble

/// The `selfassemble` command: a root with one subcommand per job.
struct SelfAssembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfassemble",
        abstract: "Simulate a circuit in which a four-synapse learning motif self-assembles out of random connectivity.",
        version: "selfassemble " + SelfAssembleVersion.string,
        subcommands: [Simulate.self, Compare.self, Sweep.self, Collect.self, Inspect.self, Validate.self, Export.self, Report.self, Connectomes.self, Doctor.self])
}

@main
enum Main {
    static func main() {
        MemoryPolicy.reuseFreedMemory()
        // A file-size limit (ulimit -f) makes a write fail with "file too large", which every
        // command reports in one line (and cleans up after), instead of killing the process.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try SelfAssembleCommand.parseAsRoot()
            try command.run()
        } catch {
            CommandLineFailure.exit(with: error)
        }
    }
}
