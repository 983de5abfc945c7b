/// The path of one field of a connectome file, as a sweep names it: `seed`, `learning.eta_w`,
/// `levels[2].size` (levels counted from 1, like the model's l). Checked against ``Schema``,
/// so a misspelt field is refused with the nearest known name before any run starts.
enum ConnectomeFieldPath {
    enum Component: Equatable {
        case key(String)
        /// A level, counted from 1.
        case level(Int)
    }

    /// Top-level fields that hold one value (the others are sections).
    static let topValues = ["name", "description", "seed", "input", "ratio"]

    /// The full path of `name`: a path as given when it names a known field, or the one field
    /// whose last part is `name`.
    static func canonical(_ name: String, spec: String) throws -> String {
        if name.contains(".") || name.contains("[") {
            _ = try components(of: name, spec: spec)
            return name
        }
        if topValues.contains(name) { return name }
        if name == "levels" || Schema.sections.contains(where: { $0.section == name }) {
            throw GridError(spec, "'\(name)' is a section; name one of its fields, e.g. \(example(section: name))")
        }
        let owners = Schema.sections.filter { !$0.section.isEmpty && $0.fields.contains(name) }.map(\.section)
        if owners.count == 1 {
            return owners[0] == "levels[l]" ? try levelFieldNeedsLevel(name, spec: spec) : "\(owners[0]).\(name)"
        }
        if owners.count > 1 {
            throw GridError(spec, "'\(name)' is a field of \(owners.joined(separator: " and ")); name it by its path, e.g. \(owners[0]).\(name)")
        }
        throw GridError(spec, "unknown field '\(name)'; " + suggestion(for: name))
    }

    private static func levelFieldNeedsLevel(_ name: String, spec: String) throws -> String {
        throw GridError(spec, "'\(name)' belongs to one level; name the level, e.g. levels[1].\(name) (levels count from 1)")
    }

    private static func example(section: String) -> String {
        if section == "levels" { return "levels[1].size" }
        let fields = Schema.sections.first { $0.section == section }?.fields ?? []
        return "\(section).\(fields.first ?? "")"
    }

    static func suggestion(for name: String) -> String {
        let all = topValues + Schema.sections.filter { !$0.section.isEmpty }.flatMap { section in
            section.fields.map { section.section == "levels[l]" ? "levels[1].\($0)" : $0 }
        }
        if let near = Schema.nearest(to: name, in: all) { return "did you mean '\(near)'?" }
        return "a grid axis is any field of a connectome file (docs/connectome-format.md), e.g. ratio, seed, eta_w, learning.plastic, levels[1].size"
    }

    /// The components of a path, each checked: `learning.eta_w` -> [key learning, key eta_w].
    static func components(of path: String, spec: String) throws -> [Component] {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, !parts.contains(where: \.isEmpty) else {
            throw GridError(spec, "'\(path)' is not a field path; write section.field, e.g. learning.eta_w")
        }
        if first.hasPrefix("levels[") {
            guard first.hasSuffix("]"), let l = Int(first.dropFirst(7).dropLast()), l >= 1 else {
                throw GridError(spec, "'\(first)' does not name a level; write levels[l] with l counted from 1, e.g. levels[1].size")
            }
            guard parts.count == 2, Schema.level.contains(parts[1]) else {
                throw GridError(spec, "'\(path)' is not a field of a level; a level has \(Schema.level.joined(separator: ", ")), e.g. levels[\(l)].size")
            }
            return [.key("levels"), .level(l), .key(parts[1])]
        }
        if parts.count == 1 {
            guard topValues.contains(first) else { throw GridError(spec, "unknown field '\(first)'; " + suggestion(for: first)) }
            return [.key(first)]
        }
        guard parts.count == 2, let section = Schema.sections.first(where: { $0.section == first && !first.isEmpty }) else {
            throw GridError(spec, "'\(path)' is not a field; " + suggestion(for: parts.last ?? path))
        }
        guard section.fields.contains(parts[1]) else {
            let near = Schema.nearest(to: parts[1], in: section.fields).map { "did you mean '\(first).\($0)'?" }
            throw GridError(spec, "\(first) has no field '\(parts[1])'; " + (near ?? "its fields are \(section.fields.joined(separator: ", "))"))
        }
        return [.key(first), .key(parts[1])]
    }
}
