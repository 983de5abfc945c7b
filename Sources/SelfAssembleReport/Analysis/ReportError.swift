/// A report that cannot be made, as one line naming the problem and the fix. Problems with
/// the file itself (missing, not HDF5, not a run, damaged) come from the store as
/// `StoreError`, which has the same one-line shape; this type covers the rest: bad options,
/// a run with nothing to report, contents that contradict the layout, an output that cannot
/// be written.
public struct ReportError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
