/// Which snapshot of a run to export: by its step (what a user sees in `inspect` and in the
/// progress output), the last one, or its 0-based position along the snapshot axis.
public enum SnapshotSelection: Equatable, Sendable, CustomStringConvertible {
    case step(Int)
    case last
    case index(Int)

    /// Parses the value of `--step`: a step number or `last`.
    public init(stepArgument text: String) throws {
        if text.lowercased() == "last" {
            self = .last
        } else if let step = Int(text) {
            self = .step(step)
        } else {
            throw ExportError("--step must be a stored step number or 'last', got '\(text)'")
        }
    }

    public var description: String {
        switch self {
        case .step(let step): return "step \(step)"
        case .last: return "the last snapshot"
        case .index(let index): return "snapshot index \(index)"
        }
    }

    /// The 0-based snapshot index among the stored `steps`. A step that is not stored is an
    /// error naming the nearest stored steps, so a user can pick one without running inspect.
    public func resolve(steps: [Int], file: String) throws -> Int {
        guard !steps.isEmpty else {
            throw ExportError("\(file) holds no snapshot yet: nothing to export (wait for the run to write one)")
        }
        switch self {
        case .last:
            return steps.count - 1
        case .index(let index):
            guard steps.indices.contains(index) else {
                throw ExportError("\(file) has \(steps.count) snapshots, no snapshot index \(index): use --snapshot-index 0...\(steps.count - 1)")
            }
            return index
        case .step(let step):
            if let index = steps.firstIndex(of: step) { return index }
            let below = steps.last { $0 < step }
            let above = steps.first { $0 > step }
            let nearest = [below, above].compactMap { $0 }.map(String.init).joined(separator: " and ")
            throw ExportError("\(file) has no snapshot at step \(step); the nearest stored step\(below != nil && above != nil ? "s are" : " is") \(nearest) (stored: \(Self.summary(steps))); use --step with a stored step, --step last or --snapshot-index")
        }
    }

    /// A short list of stored steps: all of them when few, else the first and last few.
    static func summary(_ steps: [Int]) -> String {
        if steps.count <= 8 { return steps.map(String.init).joined(separator: ", ") }
        return (steps.prefix(4).map(String.init) + ["..."] + steps.suffix(3).map(String.init)).joined(separator: ", ")
    }
}
