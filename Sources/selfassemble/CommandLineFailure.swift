import ArgumentParser
import Foundation

/// Turns any error into one line on stderr naming the problem (and, where known, the fix),
/// and the process's exit code. Help and version requests go through ArgumentParser as usual.
enum CommandLineFailure {
    static func exit(with error: Error) -> Never {
        if let interrupted = error as? any StoppedBySignal {
            Terminal.standardError("selfassemble: " + interrupted.description)
            Foundation.exit(interrupted.exitCode)
        }
        if let diverged = error as? RunDiverged {
            Terminal.standardError("selfassemble: " + diverged.description)
            Foundation.exit(RunDiverged.exitCode)
        }
        let code = SelfAssembleCommand.exitCode(for: error)
        if code == .success {
            SelfAssembleCommand.exit(withError: error)  // --help, --version
        }
        let message: String
        switch error {
        case _ where unknownCommand() != nil:
            let commands = SelfAssembleCommand.configuration.subcommands.map { $0._commandName }
            message = "'\(unknownCommand()!)' is not a selfassemble command; the commands are: \(commands.joined(separator: ", ")) (see 'selfassemble --help')"
        case _ where FileErrorLine.line(for: error) != nil:
            message = FileErrorLine.line(for: error)!
        case let error as CustomStringConvertible where !(error is ValidationError):
            message = oneLine(error.description)
        default:
            let parsed = oneLine(SelfAssembleCommand.message(for: error))
            message = parsed + " (see 'selfassemble \(subcommandName()) --help')"
        }
        Terminal.standardError("selfassemble: error: " + message)
        Foundation.exit(code == .validationFailure ? 64 : max(code.rawValue, 1))
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }
            .joined(separator: " ")
    }

    /// The first argument when it names no subcommand (`selfassemble bogus`); nil when it is
    /// a command, an option (`--help`), or absent.
    private static func unknownCommand() -> String? {
        guard let first = CommandLine.arguments.dropFirst().first, !first.hasPrefix("-") else { return nil }
        let commands = SelfAssembleCommand.configuration.subcommands.map { $0._commandName }
        return commands.contains(first) || first == "help" ? nil : first
    }

    private static func subcommandName() -> String {
        let args = CommandLine.arguments.dropFirst()
        return args.first(where: { !$0.hasPrefix("-") }) ?? ""
    }
}
