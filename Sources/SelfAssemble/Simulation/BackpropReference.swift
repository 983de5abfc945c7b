/// Exact backpropagation as the circuit's reference (`--compare-bp`).
///
/// "The circuit learns as well as backpropagation" is stated against two bp runs on the same
/// network, data, seed (so the same initial W_l and b_l) and batch order, with the same
/// epochs, eta_W and batch: one with the circuit's own weight decay lambda, and one at bp's
/// best lambda from ``weightDecayGrid``, so that the comparison is not won against a bp that
/// the circuit's settings handicap. bp has no development: it does not use V, Vbar or Wbar.
public enum BackpropReference {
    /// The weight decays bp is tried with, per step (0 first: ties go to the smaller decay).
    public static let weightDecayGrid: [Float] = [0, 1e-4, 3e-4, 1e-3]

    /// The bp configuration that matches `circuit`, with its weight decay or `weightDecay`.
    public static func configuration(matching circuit: SimulationConfiguration,
                                     weightDecay: Float? = nil) -> SimulationConfiguration {
        var bp = circuit
        bp.rule = .bp
        bp = bp.withDevelopmentOnlyForMotif()
        bp.compareBackprop = false
        if let weightDecay { bp.weightDecay = weightDecay }
        return bp
    }

    /// The best of the grid's runs by final test accuracy (the first on ties). Choosing by test
    /// accuracy favours bp, which makes "the circuit is within x points of bp" a conservative
    /// statement. `runs` pairs each weight decay with its outcome.
    public static func best(of runs: [(weightDecay: Float, summary: SimulationSummary)]) -> TunedBackprop? {
        guard var best = runs.first else { return nil }
        for run in runs.dropFirst() where run.summary.finalTestAccuracy > best.summary.finalTestAccuracy {
            best = run
        }
        return TunedBackprop(weightDecay: best.weightDecay, grid: runs.map(\.weightDecay), summary: best.summary)
    }
}

/// bp at its best weight decay from a grid (see ``BackpropReference``).
public struct TunedBackprop: Sendable {
    /// The chosen lambda.
    public var weightDecay: Float
    /// Every lambda tried.
    public var grid: [Float]
    public var summary: SimulationSummary

    public init(weightDecay: Float, grid: [Float], summary: SimulationSummary) {
        self.weightDecay = weightDecay
        self.grid = grid
        self.summary = summary
    }
}
