/// Everything that determines a run, with the defaults of the embedded circuit. Stored in
/// full (as JSON) in every run file, so that a run can be read back and repeated.
public struct SimulationConfiguration: Equatable, Sendable, Codable {
    public var seed: UInt64 = 7
    /// n_0 ... n_L.
    public var sizes: [Int] = [64, 128, 128, 10]
    /// Downstream ratio r (one value for all levels, or one per level).
    public var ratios: [Double] = [2]
    /// Names of levels 1 ... L (e.g. V1, V2, V4, IT), for reports; nil: "level 1" ... "level L".
    public var levelNames: [String]? = nil
    public var rule: RuleKind = .circuit
    public var loss: Loss = .crossEntropy
    /// f, the activation of the hidden upstream levels (identity: a linear network).
    public var upstreamActivation: Activation = .relu
    /// phi, the activation of the downstream groups.
    public var downstreamActivation: Activation = .identity
    public var batch: Int = 32
    /// Learning epochs (passes over the training set).
    public var epochs: Int = 30
    /// Steps of the reciprocal stage of development (stage 1: V and Vbar become reciprocal).
    public var developmentSteps: Int = 3_000
    /// eta_dev, the Hebbian rate of V and Vbar during the reciprocal stage.
    public var developmentRate: Float = 0.05
    /// Steps of the descending stage of development (stage 2: W and Wbar learn from noise until
    /// Wbar_l V_l = W_l^T); 0 turns it off (version 1).
    public var descendingSteps: Int = 2_000
    /// eta_d, the rate of W and Wbar during the descending stage.
    public var descendingRate: Float = 1.3
    /// lambda_d, the decay of W and Wbar per step during the descending stage.
    public var descendingDecay: Float = 2e-3
    /// What teaches the top level's W_L: its apical input (version 2) or the error (version 1).
    public var topTeaching: TopTeaching = .apical
    public var etaW: Float = 0.1
    /// eta_V during learning; 0 (V and Vbar fixed after development) performs best.
    public var etaV: Float = 0
    public var weightDecay: Float = 1e-4
    /// beta, the target step of dtp and dtp-skip (``TargetPropagationSettings``).
    public var targetStep: Float = 0.2
    /// sigma, the noise from which the learned inverses of gait-prop, dtp and dtp-skip learn.
    public var inverseNoise: Float = 0.1
    /// eta_inv, the rate of the learned inverses of gait-prop, dtp and dtp-skip.
    public var inverseRate: Float = 0.5
    /// lambda_O, GAIT-prop's orthogonality regulariser.
    public var orthogonality: Float = 1e-3
    /// The projection kinds that are plastic, in every phase.
    public var plastic: [ProjectionKind] = ProjectionKind.allCases
    /// A snapshot every this many steps (and at the first step, the end of development and the last step).
    public var snapshotEvery: Int = 100
    /// Samples of the fixed probe batch on which alignment is measured.
    public var probeSize: Int = 256
    public var thresholds = AssemblyThresholds()
    /// OpenBLAS threads; results are bit-identical for the same count.
    public var threads: Int = 1
    /// Where the data come from: nil for the embedded synthetic task (``GaussianClusters``,
    /// generated from the seed), else a directory of MNIST-format IDX files or a CSV file.
    public var data: String? = nil
    /// Share of a CSV file's samples held out for testing (IDX files come split).
    public var testFraction: Double = 0.2
    /// How features are scaled, per feature with statistics of the training split (see
    /// ``Normalization``); nil: the data's default (pixels / 255 for IDX images, z-scores for
    /// a CSV file, none for the synthetic task), which `simulate` resolves before it stores
    /// the configuration.
    public var normalization: Normalization? = nil
    /// Also train exact backpropagation on the same network, data, seed and budget, and
    /// record its accuracy beside the circuit's.
    public var compareBackprop = false

    public init() {}

    /// The configuration as its rule runs it. Development (both stages) shapes the motif's
    /// V, Vbar, Wbar and, in the descending stage, W from spontaneous activity; a rule that does
    /// not use the motif (``RuleKind/usesMotif``) has no development and learns from the random
    /// initial circuit, so its steps are set to 0. `simulate`, `compare` and `--compare-bp` run this.
    public func withDevelopmentOnlyForMotif() -> SimulationConfiguration {
        guard !rule.usesMotif else { return self }
        var c = self
        c.developmentSteps = 0
        c.descendingSteps = 0
        return c
    }

    public var dynamics: CircuitDynamics {
        CircuitDynamics(upstreamActivation: upstreamActivation, downstreamActivation: downstreamActivation, loss: loss)
    }

    /// The phase of the update that takes the circuit from step `update` to `update + 1`.
    public func phase(ofUpdate update: Int) -> Phase {
        update < developmentSteps ? .reciprocalStage : update - developmentSteps < descendingSteps ? .descendingStage : .learning
    }

    /// The phase a recorded step belongs to: the phase of the update that produced it (step 0,
    /// the random circuit, belongs to the first phase of the run).
    public func phase(ofRecordedStep recorded: Int) -> Phase { phase(ofUpdate: max(recorded - 1, 0)) }

    /// The target-propagation rules' own hyperparameters, as the rules take them.
    public var targetPropagation: TargetPropagationSettings {
        TargetPropagationSettings(targetStep: targetStep, inverseNoise: inverseNoise, inverseRate: inverseRate, orthogonality: orthogonality)
    }

    public var plasticitySettings: PlasticitySettings {
        PlasticitySettings(etaW: etaW, etaV: etaV, weightDecay: weightDecay, plastic: Set(plastic))
    }

    /// Checks every field and returns the architecture; throws one message naming the field.
    public func validated() throws -> Architecture {
        let architecture = try Architecture(sizes: sizes, ratios: ratios)
        func require(_ ok: Bool, _ message: String) throws {
            if !ok { throw ConfigurationError(message) }
        }
        try require(batch >= 1, "batch must be a positive integer, got \(batch)")
        try require(epochs >= 0, "epochs must be 0 or more, got \(epochs)")
        try require(developmentSteps >= 0, "development-steps must be 0 or more, got \(developmentSteps)")
        try require(etaW >= 0 && etaW.isFinite, "eta-w must be a finite number >= 0, got \(etaW)")
        try require(etaV >= 0 && etaV.isFinite, "eta-v must be a finite number >= 0, got \(etaV)")
        try require(developmentRate >= 0 && developmentRate.isFinite, "development rate must be a finite number >= 0, got \(developmentRate)")
        try require(descendingSteps >= 0, "descending-steps must be 0 or more, got \(descendingSteps)")
        try require(descendingRate >= 0 && descendingRate.isFinite, "descending-rate must be a finite number >= 0, got \(descendingRate)")
        try require(descendingDecay >= 0 && descendingDecay < 1, "descending-decay must be in [0, 1), got \(descendingDecay)")
        try require(weightDecay >= 0 && weightDecay < 1, "weight-decay must be in [0, 1), got \(weightDecay)")
        try targetPropagation.validate()
        try require(snapshotEvery >= 1, "snapshot-every must be a positive integer, got \(snapshotEvery)")
        try require(probeSize >= 1, "probe size must be a positive integer, got \(probeSize)")
        try require(testFraction > 0 && testFraction < 1, "test-fraction must be between 0 and 1 (exclusive), got \(testFraction)")
        try require(threads >= 1, "threads must be a positive integer, got \(threads)")
        try require(thresholds.consecutive >= 1, "the detector needs K >= 1 consecutive snapshots, got \(thresholds.consecutive)")
        if let names = levelNames {
            try require(names.count == architecture.levels, "level names: \(names.count) given for \(architecture.levels) levels")
            try require(Set(names).count == names.count && !names.contains(""), "level names must be distinct and not empty")
        }
        // Not a sum: the counts may be near Int.max.
        try require(developmentSteps > 0 || descendingSteps > 0 || epochs > 0,
                    "nothing to simulate: development-steps, descending-steps and epochs are all 0")
        return architecture
    }
}
