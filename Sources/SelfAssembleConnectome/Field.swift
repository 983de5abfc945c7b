import Yams

/// One node of a parsed connectome file together with its field path, so that every value
/// read from it, and every error about it, names where it sits (`levels[2].ratio`, line 9).
///
/// Values are read from the scalar's text, not through Yams's type resolution, so that the
/// accepted spellings are exactly Swift's (what the CLI accepts too) and a Float such as
/// eta_w is parsed directly as a Float (via Double it could round twice and break the
/// round trip). A quoted scalar is a string: `size: "128"` is a type error, not 128.
struct Field {
    let node: Node
    /// The field path; empty for the document itself.
    let path: String
    let source: String

    var line: Int? { node.mark?.line }

    func fail(_ problem: String) -> ConnectomeError {
        ConnectomeError(source: source, line: line, field: path.isEmpty ? nil : path, problem: problem)
    }

    func child(_ node: Node, _ name: String) -> Field {
        Field(node: node, path: path.isEmpty ? name : "\(path).\(name)", source: source)
    }

    /// True for an empty value, `~` or `null` written without quotes.
    var isNull: Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// What the node is, for "expected X, got Y" messages.
    var shown: String {
        switch node {
        case .scalar(let s):
            if isNull { return "nothing (null)" }
            let text = s.string.count > 40 ? String(s.string.prefix(40)) + "..." : s.string
            return s.style == .singleQuoted || s.style == .doubleQuoted ? "the quoted string \"\(text)\"" : "'\(text)'"
        case .mapping: return "a mapping (key: value pairs)"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    // MARK: Containers

    /// The entries of a mapping, each key checked against `known` (an unknown key is an error
    /// with a suggestion). `section` names the mapping in suggestions ("" for the top level).
    func fields(known: [String], section: String, expected: String) throws -> [String: Field] {
        guard case .mapping(let mapping) = node else {
            throw fail("expected \(expected), got \(shown)")
        }
        var result: [String: Field] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw Field(node: keyNode, path: path, source: source).fail("a field name must be plain text, got \(Field(node: keyNode, path: path, source: source).shown)")
            }
            let field = child(value, key.string)
            guard known.contains(key.string) else {
                let at = Field(node: keyNode, path: field.path, source: source)
                throw at.fail("unknown field; " + Schema.suggestion(for: key.string, known: known, section: section))
            }
            result[key.string] = field
        }
        return result
    }

    /// The items of a list, with paths `path[1]`, `path[2]`, ... (counted from 1, like levels l).
    func items(expected: String) throws -> [Field] {
        guard case .sequence(let sequence) = node else {
            throw fail("expected \(expected), got \(shown)")
        }
        return sequence.enumerated().map { index, item in
            Field(node: item, path: "\(path)[\(index + 1)]", source: source)
        }
    }

    // MARK: Scalars

    /// The text of a scalar that is not quoted (numbers) or of any scalar (strings).
    private func text(expected: String, allowQuoted: Bool) throws -> String {
        guard case .scalar(let s) = node, !isNull else {
            throw fail("expected \(expected), got \(shown)")
        }
        if !allowQuoted && (s.style == .singleQuoted || s.style == .doubleQuoted) {
            throw fail("expected \(expected), got \(shown) (write it without quotes)")
        }
        return s.string
    }

    func string(expected: String = "text") throws -> String {
        try text(expected: expected, allowQuoted: true)
    }

    func int(expected: String) throws -> Int {
        let t = try text(expected: expected, allowQuoted: false)
        guard let value = Int(t) else {
            throw fail("expected \(expected), got \(shown)")
        }
        return value
    }

    func uint64(expected: String) throws -> UInt64 {
        let t = try text(expected: expected, allowQuoted: false)
        guard let value = UInt64(t) else {
            throw fail("expected \(expected), got \(shown)")
        }
        return value
    }

    func double(expected: String) throws -> Double {
        let t = try text(expected: expected, allowQuoted: false)
        guard let value = Double(t), value.isFinite else {
            throw fail("expected \(expected), got \(shown)")
        }
        return value
    }

    func float(expected: String) throws -> Float {
        let t = try text(expected: expected, allowQuoted: false)
        guard let value = Float(t), value.isFinite else {
            throw fail("expected \(expected), got \(shown)")
        }
        return value
    }

    /// `true` or `false`.
    func bool(expected: String) throws -> Bool {
        switch try text(expected: expected, allowQuoted: false) {
        case "true": return true
        case "false": return false
        default: throw fail("expected \(expected) (true or false), got \(shown)")
        }
    }

    /// One of an enumeration's names, e.g. an activation: `relu`, `tanh` or `identity`.
    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, what: String) throws -> T where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        let t = try text(expected: "\(what): one of \(names.joined(separator: ", "))", allowQuoted: true)
        guard let value = T(rawValue: t) else {
            var problem = "unknown \(what) '\(t)'; use one of \(names.joined(separator: ", "))"
            if let near = Schema.nearest(to: t, in: names) { problem += " (did you mean '\(near)'?)" }
            throw fail(problem)
        }
        return value
    }
}
