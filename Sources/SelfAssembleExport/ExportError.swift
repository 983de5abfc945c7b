/// Anything that keeps an export from being written, as one line naming the problem and the
/// fix (the command-line tool prints it after "selfassemble: error: ").
public struct ExportError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
