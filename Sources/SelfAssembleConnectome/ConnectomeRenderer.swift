import SelfAssemble

/// Writes a ``Connectome`` as YAML with every field given, in the order of ``Schema``, one
/// line per section (flow style), so two definitions diff line by line. Written by hand
/// rather than through Yams's emitter so that the layout is fixed and readable and numbers
/// appear in their shortest exact form (0.1, not 0.10000000149011612).
enum ConnectomeRenderer {
    static func render(_ connectome: Connectome) -> String {
        let c = connectome.configuration
        let levels = c.sizes.count - 1
        let uniformRatio = c.ratios.count == 1
        var lines = [
            "# selfassemble connectome: every field is given, so this file alone determines the run.",
            "# Format: docs/connectome-format.md. Run it: selfassemble simulate --connectome FILE",
            "name: \(YAMLText.scalar(connectome.name))",
            "description: \(YAMLText.scalar(connectome.description, alwaysQuote: true))",
            "seed: \(c.seed)",
            "input: \(c.sizes.first ?? 0)",
        ]
        if uniformRatio { lines.append("ratio: \(YAMLText.number(c.ratios[0]))") }
        lines.append("levels:")
        for l in 0..<max(levels, 0) {
            var entry: [String] = []
            if let names = c.levelNames, l < names.count { entry.append("name: \(YAMLText.scalar(names[l]))") }
            entry.append("size: \(c.sizes[l + 1])")
            if !uniformRatio && l < c.ratios.count { entry.append("ratio: \(YAMLText.number(c.ratios[l]))") }
            lines.append("  - {\(entry.joined(separator: ", "))}")
        }
        lines.append(section("cells", [
            ("upstream_activation", c.upstreamActivation.rawValue), ("downstream_activation", c.downstreamActivation.rawValue),
            ("loss", c.loss.rawValue),
        ]))
        lines.append(section("learning", [
            ("rule", c.rule.rawValue), ("eta_w", YAMLText.number(c.etaW)), ("eta_v", YAMLText.number(c.etaV)),
            ("weight_decay", YAMLText.number(c.weightDecay)), ("batch", "\(c.batch)"), ("epochs", "\(c.epochs)"),
            ("plastic", "[" + c.plastic.map(\.rawValue).joined(separator: ", ") + "]"),
            ("top_teaching", c.topTeaching.rawValue),
            ("compare_bp", c.compareBackprop ? "true" : "false"),
        ] + targetPropagationFields(c)))
        lines.append(section("development", [
            ("steps", "\(c.developmentSteps)"), ("rate", YAMLText.number(c.developmentRate)),
            ("descending_steps", "\(c.descendingSteps)"), ("descending_rate", YAMLText.number(c.descendingRate)),
            ("descending_decay", YAMLText.number(c.descendingDecay)),
        ]))
        var data: [(String, String)] = []
        if let path = c.data { data.append(("path", YAMLText.scalar(path))) }
        data.append(("test_fraction", YAMLText.number(c.testFraction)))
        if let normalization = c.normalization { data.append(("normalize", normalization.rawValue)) }
        lines.append(section("data", data) + (c.data == nil ? "   # no path: the synthetic Gaussian-clusters task" : ""))
        lines.append(section("snapshots", [("every", "\(c.snapshotEvery)"), ("probe_size", "\(c.probeSize)")]))
        let t = c.thresholds
        lines.append(section("detection", [
            ("reciprocity", YAMLText.number(t.reciprocity)), ("descending", YAMLText.number(t.descending)),
            ("alignment_H", YAMLText.number(t.alignmentH)), ("consecutive", "\(t.consecutive)"),
        ]))
        lines.append(section("runtime", [("threads", "\(c.threads)")]))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The target-propagation hyperparameters the rule uses, and any other that is not at its
    /// default (so that the text repeats the run); none for the other rules at the defaults.
    private static func targetPropagationFields(_ c: SimulationConfiguration) -> [(String, String)] {
        let t = c.targetPropagation, defaults = TargetPropagationSettings()
        let keys: [(TargetPropagationSettings.Parameter, String)] = [
            (.targetStep, "target_step"), (.inverseNoise, "inverse_noise"), (.inverseRate, "inverse_rate"), (.orthogonality, "orthogonality"),
        ]
        return keys.filter { p, _ in p.rules.contains(c.rule) || t[p] != defaults[p] }.map { p, key in (key, YAMLText.number(t[p])) }
    }

    private static func section(_ name: String, _ fields: [(String, String)]) -> String {
        "\(name): {" + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }
}

/// YAML spellings of values: numbers in their shortest exact form and strings plain when
/// that is unambiguous, double-quoted otherwise.
enum YAMLText {
    /// An integral value without a fractional part (2, not 2.0); otherwise Swift's shortest
    /// representation that reads back to the same value.
    static func number<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// Plain when the text is a simple word or path that YAML would read back as the same
    /// string (not a number, boolean or null); double-quoted with escapes otherwise.
    static func scalar(_ text: String, alwaysQuote: Bool = false) -> String {
        if !alwaysQuote && isPlainSafe(text) { return text }
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let v = u.value
                if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF {
                    let hex = String(v, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    private static let reserved: Set<String> = ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"]

    private static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !reserved.contains(text.lowercased()) else { return false }
        let isLetter = ("a"..."z").contains(first) || ("A"..."Z").contains(first)
        guard isLetter || first == "/" || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { u in
            ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u) || "_./+-".unicodeScalars.contains(u)
        }
    }
}
