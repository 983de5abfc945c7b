/// A run that failed, with what became of its files: one line, the cause first.
struct RunFailure: Error, CustomStringConvertible {
    let cause: Error
    /// What became of the files, e.g. "run.h5 is unchanged".
    let then: String

    init(_ cause: Error, then: String) {
        self.cause = cause
        self.then = then
    }

    var description: String { "\(cause); \(then)" }
}
