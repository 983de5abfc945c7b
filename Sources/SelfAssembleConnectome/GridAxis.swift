import Foundation

/// One axis of a parameter sweep: a connectome field and the values it takes, parsed from
/// `--grid "ratio=1,2,4,7.5"`, `--grid "seed=1..5"`, `--grid "learning.plastic=[W,Vbar],[W]"`.
///
/// The field is any field of a connectome file (docs/connectome-format.md), named by its path
/// (`learning.eta_w`, `levels[2].size`, `seed`) or, where the name is unique, by its last part
/// alone (`eta_w`, `downstream_activation`). Values are YAML text, read by the same strict
/// parser as a file, so a value a file would refuse is refused here with the same reason.
public struct GridAxis: Equatable, Sendable {
    /// The field's full path, e.g. `learning.eta_w` or `levels[1].size`.
    public var field: String
    /// Each value as YAML text, e.g. `7.5`, `tanh`, `[W, Vbar]`.
    public var values: [String]

    public init(field: String, values: [String]) {
        self.field = field
        self.values = values
    }

    /// The field's last part, the short name tables and file names use (`eta_w`, `ratio`,
    /// `levels[1].size` stays whole).
    public var shortName: String {
        field.hasPrefix("levels[") ? field : String(field.split(separator: ".").last ?? Substring(field))
    }

    /// Parses `FIELD=VALUES`: VALUES is a comma-separated list (commas inside `[...]` belong to
    /// a list value) or an integer range `A..B` (both ends included), or a range with a step
    /// `A..B:STEP`.
    /// - Throws: ``GridError``, one line naming the problem and the fix.
    public static func parse(_ spec: String) throws -> GridAxis {
        let parts = spec.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 2, !parts[0].isEmpty else {
            throw GridError(spec, "a grid axis is FIELD=VALUES, e.g. --grid \"ratio=1,2,4\" or --grid \"seed=1..5\"")
        }
        let field = try ConnectomeFieldPath.canonical(parts[0], spec: spec)
        guard !parts[1].isEmpty else {
            throw GridError(spec, "no values after '='; list them, e.g. \(parts[0])=1,2,4 or \(parts[0])=1..5")
        }
        let values = try parseValues(parts[1], spec: spec)
        var seen = Set<String>()
        for value in values where !seen.insert(value).inserted {
            throw GridError(spec, "the value '\(value)' is listed twice; list each value once (it would be the same run twice)")
        }
        return GridAxis(field: field, values: values)
    }

    static func parseValues(_ text: String, spec: String) throws -> [String] {
        if let range = text.range(of: ".."), !text.contains("[") {
            return try parseRange(from: String(text[..<range.lowerBound]), rest: String(text[range.upperBound...]), spec: spec)
        }
        var values = [String](), current = "", depth = 0
        for ch in text {
            switch ch {
            case "[": depth += 1; current.append(ch)
            case "]":
                depth -= 1
                guard depth >= 0 else { throw GridError(spec, "a ']' without its '['; write a list value as [W, Vbar]") }
                current.append(ch)
            case "," where depth == 0:
                values.append(current.trimmingCharacters(in: .whitespaces)); current = ""
            default: current.append(ch)
            }
        }
        guard depth == 0 else { throw GridError(spec, "a '[' without its ']'; write a list value as [W, Vbar]") }
        values.append(current.trimmingCharacters(in: .whitespaces))
        if values.contains(where: \.isEmpty) {
            throw GridError(spec, "an empty value between commas; write the values as 1,2,4 with nothing empty between")
        }
        return values
    }

    /// `A..B` (integers, both included) or `A..B:STEP` (numbers; B is included when a step lands
    /// on it to within a millionth of the step).
    static func parseRange(from lowText: String, rest: String, spec: String) throws -> [String] {
        let bounds = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let lowText = lowText.trimmingCharacters(in: .whitespaces), highText = bounds[0]
        if bounds.count == 1 {
            guard let low = Int(lowText), let high = Int(highText) else {
                throw GridError(spec, "the range \(lowText)..\(highText) needs whole numbers at both ends (e.g. 1..5); for other numbers give a step, e.g. 0.5..2:0.5, or list them")
            }
            guard low <= high else { throw GridError(spec, "the range \(low)..\(high) runs backwards; write it low..high, e.g. \(high)..\(low)") }
            guard high - low < 100_000 else { throw GridError(spec, "the range \(low)..\(high) has \(high - low + 1) values; a sweep of that many runs is surely a typo (at most 100000)") }
            return (low...high).map(String.init)
        }
        guard let low = Double(lowText), let high = Double(highText), let step = Double(bounds[1]),
              low.isFinite, high.isFinite, step.isFinite else {
            throw GridError(spec, "the range \(lowText)..\(rest) needs numbers: LOW..HIGH:STEP, e.g. 0.5..2:0.5")
        }
        guard step > 0 else { throw GridError(spec, "the step \(bounds[1]) is not positive; give a step > 0, e.g. \(lowText)..\(highText):1") }
        guard low <= high else { throw GridError(spec, "the range \(lowText)..\(highText) runs backwards; write it low..high") }
        let count = Int(((high - low) / step + 1e-6).rounded(.down)) + 1
        guard count <= 100_000 else { throw GridError(spec, "the range has \(count) values; a sweep of that many runs is surely a typo (at most 100000)") }
        return (0..<count).map { i in
            let value = low + Double(i) * step
            // The shortest spelling that survives the float arithmetic, e.g. 0.3 rather than 0.30000000000000004.
            let rounded = Double(String(format: "%.10g", value)) ?? value
            return YAMLText.number(rounded)
        }
    }
}

/// A grid specification or grid value that cannot be used, as one line: the `--grid` text,
/// what is wrong and how to fix it.
public struct GridError: Error, CustomStringConvertible, Equatable, Sendable {
    public let spec: String
    public let problem: String

    public init(_ spec: String, _ problem: String) {
        self.spec = spec
        self.problem = problem
    }

    public var description: String { ConnectomeError.oneLine("--grid '\(spec)': \(problem)") }
}
