/// A connectome file that cannot run, as one line: the file, the line (when known), the
/// field path and what is wrong with it, plus the fix, e.g.
/// `Connectomes/x.yaml:9: levels[1].ratio: 0.5 is below 1 (the downstream stream must be at least as wide as the upstream one)`.
///
/// One line because the command-line tool prints errors on one line, and because a message
/// that names the file, the field and the fix is one a user can act on without reading code.
public struct ConnectomeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as the user named it (or a label such as `<text>` for text not read from a file).
    public let source: String
    /// 1-based line of the offending node, when the YAML parser reported one.
    public let line: Int?
    /// The field path, e.g. `learning.eta_w` or `levels[2].ratio` (levels count from 1, like
    /// the model's level l); nil for problems of the file as a whole (syntax, empty file).
    public let field: String?
    /// What is wrong and how to fix it.
    public let problem: String

    public init(source: String, line: Int? = nil, field: String? = nil, problem: String) {
        self.source = source
        self.line = line
        self.field = field
        self.problem = problem
    }

    public var description: String {
        var text = source
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += field + ": " }
        return Self.oneLine(text + problem)
    }

    /// The file's own text (a value, a key) quoted in a message can hold line breaks and other
    /// control characters (a plain YAML scalar folds over lines); they are written as escapes
    /// so that the message stays one line. Found by fuzzing connectome files.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return text.unicodeScalars.map { isControl($0) ? $0.escaped(asASCII: true) : String($0) }.joined()
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
