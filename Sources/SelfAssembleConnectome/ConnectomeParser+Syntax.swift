import Yams

/// YAML syntax errors as one line with the line and column, instead of Yams's multi-line
/// description (which, for duplicate keys, includes the whole document).
extension ConnectomeParser {
    func syntaxError(_ error: YamlError, text: String) -> ConnectomeError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "YAML syntax error at column \(mark.column): \(problem)"
            if let context { message += " (\(context.text) that starts at line \(context.mark.line))" }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if mark.line >= 1 && mark.line <= lines.count && lines[mark.line - 1].contains("\t") {
                message += "; YAML indents with spaces, not tabs"
            }
            return ConnectomeError(source: source, line: mark.line, problem: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConnectomeError(source: source, line: context.mark.line,
                                   problem: "field \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) given twice in one mapping; keep one")
        case .reader(let problem, _, _, _):
            return ConnectomeError(source: source, problem: "not readable as YAML text: \(problem)")
        default:
            let oneLine = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            return ConnectomeError(source: source, problem: "YAML error: \(oneLine)")
        }
    }
}
