import SelfAssemble

/// The `input`, `ratio` and `levels` fields: the architecture, the level names and the
/// per-level ratios, checked together because they only make sense together (names all or
/// none, a level's ratio falling back to the top-level one).
extension ConnectomeParser {
    func readLevels(_ top: [String: Field], into c: inout SimulationConfiguration) throws {
        var input = c.sizes[0]
        if let f = top["input"] { input = try positive(f.int(expected: "a whole number of input cells (n_0)"), f, what: "number of input cells (n_0)") }
        var ratio: Double?
        if let f = top["ratio"] { ratio = try atLeastOne(f.double(expected: "a number >= 1 (the downstream ratio r)"), f) }

        guard let levelsField = top["levels"] else {
            c.sizes[0] = input
            if let ratio { c.ratios = [ratio] }
            return
        }
        let items = try levelsField.items(expected: "a list of levels, bottom up, e.g. '- {name: V1, size: 256}'")
        guard !items.isEmpty else {
            throw levelsField.fail("empty; give at least one level (the last one is the output level read by the error module)")
        }
        var sizes = [input]
        var names: [(name: String?, field: Field)] = []
        var ratios: [Double?] = []
        for item in items {
            let f = try item.fields(known: Schema.level, section: "levels[l]", expected: "a level: {name: ..., size: ..., ratio: ...}")
            guard let sizeField = f["size"] else {
                throw item.fail("missing size; give the level's number of upstream cells n_l, e.g. {size: 128}")
            }
            sizes.append(try positive(sizeField.int(expected: "a whole number of cells (n_l)"), sizeField, what: "number of cells"))
            names.append((try f["name"].map { try nonEmpty($0.string(expected: "a level name"), $0) }, f["name"] ?? item))
            ratios.append(try f["ratio"].map { try atLeastOne($0.double(expected: "a number >= 1 (the downstream ratio r_l)"), $0) })
        }
        c.sizes = sizes
        c.levelNames = try levelNames(names, items: items)
        if ratios.allSatisfy({ $0 == nil }) {
            if let ratio { c.ratios = [ratio] }
        } else {
            let fallback = ratio ?? c.ratios[0]
            c.ratios = ratios.map { $0 ?? fallback }
        }
    }

    /// All levels named (distinct) or none.
    private func levelNames(_ names: [(name: String?, field: Field)], items: [Field]) throws -> [String]? {
        let given = names.compactMap(\.name)
        if given.isEmpty { return nil }
        if let missing = names.firstIndex(where: { $0.name == nil }) {
            let named = names.firstIndex(where: { $0.name != nil })!
            throw Field(node: items[missing].node, path: "levels[\(missing + 1)].name", source: source)
                .fail("missing, but levels[\(named + 1)] is named; name every level or none")
        }
        var seen: [String: Int] = [:]
        for (index, entry) in names.enumerated() {
            if let first = seen[entry.name!] {
                throw entry.field.fail("'\(entry.name!)' is already the name of levels[\(first + 1)]; level names must be distinct")
            }
            seen[entry.name!] = index
        }
        return given
    }
}
