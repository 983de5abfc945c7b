import ArgumentParser
import Foundation
import SelfAssemble
import SelfAssembleConnectome
import SelfAssembleData
import SelfAssembleReport

/// `selfassemble compare`: every rule on the same network, data, seeds, initial weights and
/// minibatch order, one table.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train several learning rules on identical inputs and compare them in one table.",
        discussion: """
            Every rule runs once per seed with the circuit options below (rules other than circuit \
            skip development: they do not use V, Vbar or Wbar). Each rule has its own default \
            eta_W and weight decay (docs/rules.md); --eta-w and --weight-decay set one value for \
            all rules, --rates and --decays set single rules. Writes DIR/<rule>-seed<N>.h5 (with \
            the .yaml that repeats it), DIR/comparison.md, .csv and .svg, and prints the table. \
            Complete run files of the same configuration are kept and not run again; incomplete \
            ones (killed, or stopped by SIGINT or SIGTERM) are continued from their last snapshot.
            """)

    @OptionGroup var circuit: CircuitOptions

    /// Not listed: given only to be told that compare takes --rules and --seeds.
    @Option(help: .hidden) var rule: String?
    @Option(help: .hidden) var seed: String?

    @Option(help: ArgumentHelp("Rules to compare, comma-separated: \(RuleKind.allCases.map(\.rawValue).joined(separator: ",")).", valueName: "rules"))
    var rules: String = RuleKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(parsing: .unconditional, help: ArgumentHelp("Seeds, comma-separated.", valueName: "seeds"))
    var seeds: String = "1,2,3"

    @Option(help: ArgumentHelp("A circuit definition (.yaml) or the name of a shipped one; the options above override single fields.", valueName: "file|name"))
    var connectome: String?

    @Option(parsing: .unconditional, help: "Runs at once, each a child process (1: one after the other, in this process).")
    var jobs: Int = 1

    @Option(help: ArgumentHelp("Directory of the run files and tables (created if absent).", valueName: "dir"))
    var out: String = "comparison"

    @Option(parsing: .unconditional, help: "Test accuracy whose first epoch the table reports (steps to reach it).")
    var target: Double = 0.9

    @Option(help: ArgumentHelp("Per-rule eta_W, overriding the defaults and --eta-w, e.g. fa=0.05,dfa=0.02.", valueName: "rule=eta,..."))
    var rates: String?

    @Option(help: ArgumentHelp("Per-rule weight decay lambda, e.g. kolen-pollack=1e-3.", valueName: "rule=lambda,..."))
    var decays: String?

    func validate() throws {
        if rule != nil { throw ValidationError("compare takes --rules (comma-separated), not --rule") }
        if seed != nil { throw ValidationError("compare takes --seeds (comma-separated), not --seed") }
        if jobs < 1 { throw ValidationError("--jobs must be a positive integer, got \(jobs)") }
        if !(target > 0 && target <= 1) { throw ValidationError("--target must be a test accuracy in (0, 1], got \(target)") }
    }

    func run() throws {
        let ruleKinds = try Self.unique(try Self.parseRules(rules), option: "rules", text: rules) { $0.rawValue }
        let seedList = try Self.unique(try OptionList.parse(seeds, option: "seeds", what: "non-negative integers") { UInt64($0) },
                                       option: "seeds", text: seeds) { String($0) }
        let rateOverrides = try Self.parsePerRule(rates, option: "rates", rules: ruleKinds)
        let decayOverrides = try Self.parsePerRule(decays, option: "decays", rules: ruleKinds)
        var base = try loadConnectome().configuration
        base = try circuit.resolved(over: base)
        if let warning = circuit.targetPropagationWarning(rules: ruleKinds) { Terminal.standardError("selfassemble: warning: " + warning) }
        base.normalization = base.normalization ?? DataLoader.defaultNormalization(path: base.data)
        base.compareBackprop = false
        // --data is relative to the working directory, but the definition written beside each run
        // file (which child runs and --resume read) resolves a relative path against its own
        // directory: write it absolute.
        base = base.withAbsoluteDataPath()
        try OutputDirectory.create(out, holding: "the run files and tables", example: "comparison")
        var planned = [PlannedRun]()
        for rule in ruleKinds {
            for seed in seedList {
                var c = base
                c.rule = rule
                c.seed = seed
                let defaults = RuleDefaults.rates(for: rule)
                c.etaW = rateOverrides[rule] ?? (circuit.etaW ?? defaults.etaW)
                c.weightDecay = decayOverrides[rule] ?? (circuit.weightDecay ?? defaults.weightDecay)
                c = c.withDevelopmentOnlyForMotif()
                do { _ = try c.validated() } catch let error as ConfigurationError { throw ValidationError("\(rule.rawValue): \(error.message)") }
                planned.append(PlannedRun(label: "\(rule.rawValue) seed \(seed)", configuration: c,
                                          outputPath: (out as NSString).appendingPathComponent("\(rule.rawValue)-seed\(seed).h5")))
            }
        }
        let finished = try RunPool(jobs: jobs, log: { Terminal.standardError("compare: " + $0) }).execute(planned)
        let comparison = try RuleComparison(
            runs: finished.map { RuleComparison.Run(rule: $0.run.configuration.rule.rawValue, seed: $0.run.configuration.seed,
                                                    path: $0.run.outputPath, seconds: $0.seconds) },
            targetAccuracy: target)
        let markdown = comparison.markdown()
        let dir = out as NSString
        try markdown.write(toFile: dir.appendingPathComponent("comparison.md"), atomically: true, encoding: .utf8)
        try comparison.csv().write(toFile: dir.appendingPathComponent("comparison.csv"), atomically: true, encoding: .utf8)
        try comparison.svg().write(toFile: dir.appendingPathComponent("comparison.svg"), atomically: true, encoding: .utf8)
        print(markdown, terminator: "")
        print("wrote \(dir.appendingPathComponent("comparison.md")), comparison.csv, comparison.svg and \(planned.count) run file\(planned.count == 1 ? "" : "s") in \(out)")
    }

    private func loadConnectome() throws -> Connectome {
        guard let connectome else {
            return Connectome(name: "default", description: "the embedded default", configuration: SimulationConfiguration())
        }
        return try ConnectomeFile.load(path: try ConnectomeCatalog.resolve(nameOrPath: connectome), requireData: circuit.data == nil)
    }

    static func parseRules(_ text: String) throws -> [RuleKind] {
        try OptionList.parse(text, option: "rules", what: "rule names (\(RuleKind.allCases.map(\.rawValue).joined(separator: ", ")))") { RuleKind(rawValue: $0) }
    }

    /// "fa=0.05,dfa=0.02" -> [.fa: 0.05, .dfa: 0.02].
    /// The per-rule values of `--rates` or `--decays`. A rule named twice (which value was
    /// meant?) or one that `--rules` does not compare (a value that would change nothing,
    /// often a typo for another rule) is an error, not silently the last value or ignored.
    static func parsePerRule(_ text: String?, option: String, rules: [RuleKind]) throws -> [RuleKind: Float] {
        guard let text else { return [:] }
        let pairs = try OptionList.parse(text, option: option, what: "rule=value pairs with a rule of \(RuleKind.allCases.map(\.rawValue).joined(separator: ", ")) and a number >= 0") { part -> (RuleKind, Float)? in
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, let rule = RuleKind(rawValue: kv[0]), let value = Float(kv[1]), value >= 0, value.isFinite else { return nil }
            return (rule, value)
        }
        var values = [RuleKind: Float]()
        for (rule, value) in pairs {
            guard values[rule] == nil else {
                throw ValidationError("--\(option) sets \(rule.rawValue) twice in '\(text)': give each rule one value")
            }
            guard rules.contains(rule) else {
                throw ValidationError("--\(option) sets \(rule.rawValue), which --rules does not compare (\(rules.map(\.rawValue).joined(separator: ","))): add \(rule.rawValue) to --rules or drop \(rule.rawValue)=\(kvText(value)) from --\(option)")
            }
            values[rule] = value
        }
        return values
    }

    private static func kvText(_ value: Float) -> String { String(format: "%g", Double(value)) }

    /// `values` when none repeats: a rule or seed given twice would be the same run twice (and
    /// the same run file).
    static func unique<T: Hashable>(_ values: [T], option: String, text: String, name: (T) -> String) throws -> [T] {
        var seen = Set<T>()
        for value in values where !seen.insert(value).inserted {
            throw ValidationError("--\(option) names '\(name(value))' twice in '\(text)': give each once")
        }
        return values
    }
}

/// Each rule's default eta_W and weight decay for `compare`: one shared rate that suits bp
/// alone is not fair to the others. Chosen on digits (sizes 64,128,128,10, batch 32, 30
/// epochs, seed 1) as the best final test accuracy of eta_W in {0.03, 0.1, 0.3} at lambda 1e-4
/// (Kolen-Pollack 1e-3: it needs decay for B_l to align; gait-prop, dtp and dtp-skip also
/// tried at 1.0, where every rule, bp included, fails); the circuit keeps model.md's settings
/// (docs/rules.md, "Rates").
enum RuleDefaults {
    static func rates(for rule: RuleKind) -> (etaW: Float, weightDecay: Float) {
        switch rule {
        case .circuit: (0.1, 1e-4)
        case .bp, .usf, .brsf, .frsf, .gaitProp, .dtp, .dtpSkip: (0.3, 1e-4)
        case .fa, .dfa: (0.1, 1e-4)
        case .kolenPollack: (0.3, 1e-3)
        }
    }
}
