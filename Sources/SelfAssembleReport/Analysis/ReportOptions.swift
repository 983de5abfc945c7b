import SelfAssemble

/// What the user can choose about a report. The defaults are those of the model document
/// (docs/model.md): detector thresholds 0.9 / 0.5 / 0.8 with K = 3, the strongest 10% of
/// each projection. They are the report's own options, not read from the file, so that two
/// runs are always judged by the same yardstick; the thresholds the run itself used are
/// reported beside them.
public struct ReportOptions: Codable, Equatable, Sendable {
    /// Thresholds and K of the assembly detector, re-run on the stored metric series.
    public var thresholds = AssemblyThresholds()
    /// q: the share (in percent) of each projection's synapses kept, strongest first.
    public var topPercent: Double = 10
    /// Samples of the null model per level and key snapshot. z-scores need a spread, so at least 2.
    public var nullSamples: Int = 100
    /// Seed of the null model's generator; nil: the run's own seed (reports are deterministic).
    public var seed: UInt64? = nil
    /// A count is called over-represented when its z-score is at least this and it beats
    /// every null sample.
    public var zThreshold: Double = 4
    /// Heatmaps of populations larger than this show an evenly spaced subset of at most this many cells.
    public var heatmapMaxCells: Int = 128

    public init() {}

    /// Checks every option and throws one message naming the option and the allowed range.
    public func validated() throws -> ReportOptions {
        func require(_ ok: Bool, _ message: String) throws {
            if !ok { throw ReportError(message) }
        }
        try require(topPercent > 0 && topPercent <= 100 && topPercent.isFinite,
                    "--top-percent must be a number in (0, 100], got \(topPercent)")
        try require(nullSamples >= 2, "--null-samples must be at least 2 (a z-score needs a spread), got \(nullSamples)")
        try require(nullSamples <= 100_000, "--null-samples must be at most 100000, got \(nullSamples)")
        try require(thresholds.consecutive >= 1, "--consecutive must be at least 1, got \(thresholds.consecutive)")
        for (name, value) in [("reciprocity", thresholds.reciprocity), ("descending", thresholds.descending),
                              ("alignment", thresholds.alignmentH)] {
            // A cosine; at 0 or below, a random circuit (cosines near 0) would pass.
            try require(value.isFinite && value > 0 && value <= 1,
                        "--\(name)-threshold must be a cosine in (0, 1] (at 0 or below a random circuit would pass), got \(value)")
        }
        try require(zThreshold.isFinite && zThreshold > 0, "--z-threshold must be a positive number, got \(zThreshold)")
        try require(heatmapMaxCells >= 2, "the heatmap size must be at least 2 cells, got \(heatmapMaxCells)")
        return self
    }
}
