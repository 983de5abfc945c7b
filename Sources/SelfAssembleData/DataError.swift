/// A data file that cannot be used, as one line that names the file, says what is wrong and,
/// where there is one, the fix.
///
/// Every failure in this module surfaces as a `DataError` (never a crash), because the files come
/// from the user: a truncated download or a stray CSV line is an input problem to report, not a
/// programming error to trap on.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
