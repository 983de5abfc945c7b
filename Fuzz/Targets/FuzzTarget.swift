import Foundation

/// One reader of outside input, driven with arbitrary bytes.
///
/// The property every target checks (docs/fuzzing.md): for any input, each reader it calls
/// either returns a value or throws one of the project's error types (`DataError`,
/// `ConnectomeError`, `StoreError`, ...) whose message is one non-empty line. A trap (index
/// out of range, integer overflow, force unwrap, precondition), a hang or an absurd
/// allocation is a crash of the process, which libFuzzer (or the test that runs the target)
/// reports; any other error type, an empty or multi-line message, or a broken round trip is
/// reported by the target itself as a ``FuzzOutcome/failed(_:)``.
public struct FuzzTarget: Sendable {
    /// The name used on the command line (`selfassemble-fuzz --target=idx`) and for the corpus.
    public let name: String
    /// What the target reads, in words.
    public let reads: String
    /// Seed corpus directories, relative to the package root (the first is the target's own).
    public let corpus: [String]
    /// Whether its inputs go through HDF5 (slower per input: they are written to a file first).
    public let isRunFile: Bool
    let body: @Sendable (_ input: [UInt8], _ probe: inout FuzzProbe) throws -> Void

    init(name: String, reads: String, corpus: [String], isRunFile: Bool = false,
         body: @escaping @Sendable (_ input: [UInt8], _ probe: inout FuzzProbe) throws -> Void) {
        self.name = name
        self.reads = reads
        self.corpus = corpus
        self.isRunFile = isRunFile
        self.body = body
    }

    /// Runs the readers on `input`, writing whatever files they need into `scratch`.
    public func run(_ input: [UInt8], in scratch: FuzzScratch) -> FuzzOutcome {
        var probe = FuzzProbe(scratch: scratch)
        do {
            try body(input, &probe)
        } catch let violation as FuzzViolation {
            return .failed(violation.description)
        } catch {
            return .failed("\(name): the target itself failed: \(error)")
        }
        if let firstValue = probe.values.first { return .read(firstValue) }
        return .rejected(probe.rejections.first ?? "nothing was read")
    }
}

/// What one input did to a target's readers.
public enum FuzzOutcome: Equatable, Sendable {
    /// At least one reader returned a value (named); the others threw the project's errors.
    case read(String)
    /// Every reader threw one of the project's errors; the first message.
    case rejected(String)
    /// The property broke: the description says which reader and how.
    case failed(String)

    public var isFailure: Bool {
        if case .failed = self { return true }
        return false
    }
}

/// A broken property, as opposed to a clean rejection of the input.
struct FuzzViolation: Error, CustomStringConvertible {
    let description: String
}

/// Calls the readers of one input and sorts what they do: values, the project's errors, or
/// violations (thrown, so that the first one ends the input).
public struct FuzzProbe {
    let scratch: FuzzScratch
    private(set) var values: [String] = []
    private(set) var rejections: [String] = []

    init(scratch: FuzzScratch) { self.scratch = scratch }

    /// Runs `call`, named `reader` in reports. Returns its value, or nil when it threw one of
    /// `accepted` with a one-line message; throws a violation for any other error.
    @discardableResult
    mutating func check<T>(_ reader: String, accepting accepted: [any Error.Type], _ call: () throws -> T) throws -> T? {
        do {
            let value = try call()
            values.append(reader)
            return value
        } catch {
            let kind = ObjectIdentifier(type(of: error))
            guard accepted.contains(where: { ObjectIdentifier($0) == kind }) else {
                throw FuzzViolation(description: "\(reader) threw \(type(of: error)), not one of \(accepted.map { "\($0)" }.joined(separator: ", ")): \(error)")
            }
            let message = String(describing: error)
            guard !message.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw FuzzViolation(description: "\(reader) threw \(type(of: error)) with an empty message")
            }
            guard !message.contains(where: \.isNewline) else {
                throw FuzzViolation(description: "\(reader) threw \(type(of: error)) with a message of several lines: \(message.debugDescription)")
            }
            rejections.append(message)
            return nil
        }
    }

    /// Records a broken property that is not an error (e.g. a round trip that changes a value).
    func require(_ condition: Bool, _ reader: String, _ problem: @autoclosure () -> String) throws {
        if !condition { throw FuzzViolation(description: "\(reader): \(problem())") }
    }
}
