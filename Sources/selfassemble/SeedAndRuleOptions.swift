import ArgumentParser
import SelfAssemble

/// The seed and learning rule of one run: options of `simulate`, apart from
/// ``CircuitOptions`` because `compare` runs several of each (--seeds, --rules) and must not
/// list them.
struct SeedAndRuleOptions: ParsableArguments {
    // Unconditional: `--seed -1` is a value to refuse with a reason, not a missing value
    // followed by an unknown option "-1".
    @Option(parsing: .unconditional,
            help: "Seed of every random draw (weights, data order, spontaneous activity, synthetic task): an integer from 0 to 18446744073709551615. Default: 7.",
            transform: SeedAndRuleOptions.seed)
    var seed: UInt64?

    /// A seed from the command line: an unsigned 64-bit integer.
    static func seed(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else {
            throw ValidationError("a seed is an integer from 0 to 18446744073709551615")
        }
        return value
    }

    @Option(help: ArgumentHelp("Learning rule: circuit (the self-assembled motif), bp (exact backpropagation), fa (feedback alignment), dfa (direct feedback alignment), usf, brsf, frsf (sign-concordant feedback), kolen-pollack, gait-prop, dtp, dtp-skip (target propagation); see docs/rules.md. Default: circuit.", valueName: "name"))
    var rule: String?

    /// True when neither option was given.
    var isEmpty: Bool { seed == nil && rule == nil }

    /// `base` with the given options applied (not validated: ``CircuitOptions/resolved(over:)`` does that).
    func applied(to base: SimulationConfiguration) throws -> SimulationConfiguration {
        var c = base
        if let seed { c.seed = seed }
        if let rule {
            guard let kind = RuleKind(rawValue: rule) else {
                throw ValidationError("--rule must be one of \(RuleKind.allCases.map(\.rawValue).joined(separator: ", ")); got '\(rule)'")
            }
            c.rule = kind
        }
        return c
    }
}
