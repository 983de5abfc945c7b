import ArgumentParser
import Foundation
import SelfAssemble

/// The options that define a circuit and its run (the seed and rule are
/// ``SeedAndRuleOptions``). Each one given overrides one field of a
/// base configuration (the embedded default, or a connectome file); options not given leave
/// the base alone. Defaults shown in --help are those of the embedded default.
struct CircuitOptions: ParsableArguments {
    private static let defaults = SimulationConfiguration()

    @Option(parsing: .unconditional, help: ArgumentHelp("Upstream widths n_0,...,n_L: input size, hidden levels, number of classes. Default: 64,128,128,10.", valueName: "n0,n1,...,nL"))
    var sizes: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Downstream ratio r >= 1 (m_l = round(r n_l)); one value, or one per level separated by commas. Default: 2.", valueName: "r"))
    var ratio: String?

    @Option(parsing: .unconditional, help: "Minibatch size (also the rows of spontaneous activity per development step). Default: \(defaults.batch).")
    var batch: Int?

    @Option(parsing: .unconditional, help: "Learning epochs. Default: \(defaults.epochs).")
    var epochs: Int?

    @Option(name: .customLong("development-steps"), parsing: .unconditional, help: "Steps of development's first stage, the reciprocal stage (V and Vbar become reciprocal; 0 turns it off). Default: \(defaults.developmentSteps).")
    var developmentSteps: Int?

    @Option(name: .customLong("descending-steps"), parsing: .unconditional, help: "Steps of development's second stage, the descending stage (W and Wbar learn from spontaneous activity until Wbar V = W^T; 0 turns it off, as in model version 1). Default: \(defaults.descendingSteps).")
    var descendingSteps: Int?

    @Option(name: .customLong("descending-rate"), parsing: .unconditional, help: "eta_d, the rate of W and Wbar in the descending stage. Default: \(defaults.descendingRate).")
    var descendingRate: Float?

    @Option(name: .customLong("descending-decay"), parsing: .unconditional, help: "lambda_d, the decay of W and Wbar per descending-stage step. Default: \(defaults.descendingDecay).")
    var descendingDecay: Float?

    @Option(name: .customLong("top-teaching"), help: ArgumentHelp("What teaches the top level's W_L: its apical input a_L (model version 2) or the error e directly (version 1). Default: apical.", valueName: "apical|error"))
    var topTeaching: String?

    @Option(name: .customLong("eta-w"), parsing: .unconditional, help: "eta_W, learning rate of W, b and Wbar. Default: \(defaults.etaW).")
    var etaW: Float?

    @Option(name: .customLong("eta-v"), parsing: .unconditional, help: "eta_V, learning rate of V and Vbar during learning. Default: \(defaults.etaV).")
    var etaV: Float?

    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "lambda, weight decay of W and Wbar per step. Default: \(defaults.weightDecay).")
    var weightDecay: Float?

    @Option(name: .customLong("target-step"), parsing: .unconditional, help: "beta, the top's target step down the loss (dtp, dtp-skip), in (0, 10]: a small step. Default: \(defaults.targetStep).")
    var targetStep: Float?

    @Option(name: .customLong("inverse-noise"), parsing: .unconditional, help: "sigma, the noise the learned inverses learn from, >= 0 (gait-prop, dtp, dtp-skip). Default: \(defaults.inverseNoise).")
    var inverseNoise: Float?

    @Option(name: .customLong("inverse-rate"), parsing: .unconditional, help: "eta_inv, the learned inverses' rate (gait-prop, dtp, dtp-skip). Default: \(defaults.inverseRate).")
    var inverseRate: Float?

    @Option(parsing: .unconditional, help: "lambda_O, GAIT-prop's soft orthogonality regulariser on W, >= 0 (gait-prop). Default: \(defaults.orthogonality).")
    var orthogonality: Float?

    @Option(name: .customLong("upstream-activation"), help: ArgumentHelp("f, the activation of the hidden upstream levels (identity: a linear network). Default: relu.", valueName: "relu|tanh|identity"))
    var upstreamActivation: String?

    @Option(name: .customLong("downstream-activation"), help: ArgumentHelp("phi, the activation of the downstream groups. Default: identity.", valueName: "identity|tanh|relu"))
    var downstreamActivation: String?

    @Option(help: ArgumentHelp("Loss of the error module. Default: cross-entropy.", valueName: "cross-entropy|mse"))
    var loss: String?

    @Option(help: ArgumentHelp("Projection kinds that are plastic, comma-separated (V and Vbar frozen: --plastic W,Wbar). Default: all.", valueName: "W,V,Vbar,Wbar"))
    var plastic: String?

    @Option(name: .customLong("snapshot-every"), parsing: .unconditional, help: "Steps between weight snapshots (the first, the end of development and the last step are always recorded). Default: \(defaults.snapshotEvery).")
    var snapshotEvery: Int?

    @Option(help: ArgumentHelp("Data: a directory of MNIST-format IDX files (gzipped or not), or a CSV file with a header row and the label first. Default: the synthetic task.", valueName: "path"))
    var data: String?

    @Option(name: .customLong("test-fraction"), parsing: .unconditional, help: "Share of a CSV file's samples held out for testing. Default: \(defaults.testFraction).")
    var testFraction: Double?

    @Option(help: ArgumentHelp("Feature scaling, per feature, with statistics of the training split applied to both splits: zscore (mean 0, standard deviation 1), minmax (training range to [0, 1]), none (values as read) or pixels (divided by 255). The statistics are stored in the run file. Default: zscore for a CSV file, pixels (/ 255) for IDX images, none for the synthetic task.", valueName: "zscore|minmax|none|pixels"))
    var normalize: String?

    @Option(parsing: .unconditional, help: "OpenBLAS threads; results are bit-identical for the same seed, data and thread count. Default: 1.")
    var threads: Int?

    /// True when no option of this group was given.
    var isEmpty: Bool {
        sizes == nil && ratio == nil && batch == nil && epochs == nil
            && developmentSteps == nil && descendingSteps == nil && descendingRate == nil && descendingDecay == nil
            && topTeaching == nil && etaW == nil && etaV == nil && weightDecay == nil
            && targetStep == nil && inverseNoise == nil && inverseRate == nil && orthogonality == nil
            && upstreamActivation == nil && downstreamActivation == nil && loss == nil && plastic == nil
            && snapshotEvery == nil && data == nil && testFraction == nil && normalize == nil && threads == nil
    }

    /// The options given that rule `rule` does not use, as given (e.g. `--eta-v 0.5`, `V in
    /// --plastic`); empty for rule circuit. Only rule circuit uses the motif: the other rules
    /// have no development (its steps, rate and decay), no V, Vbar or Wbar to make plastic or
    /// give a rate (eta_V), and no apical teaching of the top level.
    func ignoredOptions(for rule: RuleKind) -> [String] {
        guard !rule.usesMotif else { return [] }
        var ignored = [String]()
        if let developmentSteps, developmentSteps > 0 { ignored.append("--development-steps \(developmentSteps)") }
        if let descendingSteps, descendingSteps > 0 { ignored.append("--descending-steps \(descendingSteps)") }
        if let descendingRate { ignored.append("--descending-rate \(descendingRate)") }
        if let descendingDecay { ignored.append("--descending-decay \(descendingDecay)") }
        if let etaV, etaV != 0 { ignored.append("--eta-v \(etaV)") }
        if let topTeaching { ignored.append("--top-teaching \(topTeaching)") }
        if let plastic {
            let motifKinds = plastic.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0 != ProjectionKind.W.rawValue }
            if !motifKinds.isEmpty { ignored.append("\(motifKinds.joined(separator: ", ")) in --plastic") }
        }
        return ignored
    }

    /// The target-propagation options given (``TargetPropagationSettings/Parameter``).
    var targetPropagationOptionsGiven: [TargetPropagationSettings.Parameter] {
        [(TargetPropagationSettings.Parameter.targetStep, targetStep), (.inverseNoise, inverseNoise), (.inverseRate, inverseRate),
         (.orthogonality, orthogonality)].compactMap { $0.1 == nil ? nil : $0.0 }
    }

    /// The warning for target-propagation options given with rules that do not use them (kept a
    /// warning, not an error, as for development options: one set of options can serve several
    /// rules); nil when every option given applies to one of `rules`.
    func targetPropagationWarning(rules: [RuleKind]) -> String? {
        let unused = targetPropagationOptionsGiven.filter { Set($0.rules).isDisjoint(with: rules) }
        guard !unused.isEmpty else { return nil }
        let names = rules.map(\.rawValue).joined(separator: ", ")
        return unused.map { "--\($0.rawValue) applies only to \($0.rules.map(\.rawValue).joined(separator: ", "))" }.joined(separator: "; ")
            + ": ignored by rule\(rules.count == 1 ? "" : "s") \(names)"
    }

    /// `base` with every given option applied, validated.
    func resolved(over base: SimulationConfiguration = SimulationConfiguration()) throws -> SimulationConfiguration {
        var c = base
        if let sizes {
            c.sizes = try OptionList.parse(sizes, option: "sizes", what: "positive integers") { Int($0) }
            if c.levelNames?.count != c.sizes.count - 1 { c.levelNames = nil }
        }
        if let ratio { c.ratios = try OptionList.parse(ratio, option: "ratio", what: "numbers >= 1") { Double($0) } }
        if let batch { c.batch = batch }
        if let epochs { c.epochs = epochs }
        if let developmentSteps { c.developmentSteps = developmentSteps }
        if let descendingSteps { c.descendingSteps = descendingSteps }
        if let descendingRate { c.descendingRate = descendingRate }
        if let descendingDecay { c.descendingDecay = descendingDecay }
        if let topTeaching { c.topTeaching = try parseEnum(TopTeaching.self, topTeaching, option: "top-teaching") }
        if let etaW { c.etaW = etaW }
        if let etaV { c.etaV = etaV }
        if let weightDecay { c.weightDecay = weightDecay }
        if let targetStep { c.targetStep = targetStep }
        if let inverseNoise { c.inverseNoise = inverseNoise }
        if let inverseRate { c.inverseRate = inverseRate }
        if let orthogonality { c.orthogonality = orthogonality }
        if let upstreamActivation { c.upstreamActivation = try parseEnum(Activation.self, upstreamActivation, option: "upstream-activation") }
        if let downstreamActivation { c.downstreamActivation = try parseEnum(Activation.self, downstreamActivation, option: "downstream-activation") }
        if let loss { c.loss = try parseEnum(Loss.self, loss, option: "loss") }
        if let plastic {
            c.plastic = try OptionList.parse(plastic, option: "plastic", what: "projection kinds (W, V, Vbar, Wbar)") { ProjectionKind(rawValue: $0) }
        }
        if let snapshotEvery { c.snapshotEvery = snapshotEvery }
        if let data { c.data = data }
        if let testFraction { c.testFraction = testFraction }
        if let normalize { c.normalization = try parseEnum(Normalization.self, normalize, option: "normalize") }
        if let threads { c.threads = threads }
        do {
            _ = try c.validated()
            // A count this OpenBLAS cannot run is a bad value of --threads (exit 64), found
            // here rather than when the run starts (where a stored count is a file's fault).
            if let threads { try SimulationRun.useThreads(threads) }
        } catch let error as ConfigurationError {
            throw ValidationError(error.message)
        }
        return c
    }

    private func parseEnum<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ text: String, option: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw ValidationError("--\(option) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")); got '\(text)'")
        }
        return value
    }
}
