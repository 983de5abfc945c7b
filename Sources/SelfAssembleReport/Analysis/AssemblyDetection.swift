import SelfAssemble

/// The metric series of one level that the detector needs, as stored in /metrics.
public struct LevelMetricSeries: Equatable, Sendable {
    public var level: Int
    public var reciprocity: [Double]
    /// nil at level 1 (no Wbar_1, no descending metric).
    public var descending: [Double]?
    public var alignmentH: [Double]

    public init(level: Int, reciprocity: [Double], descending: [Double]?, alignmentH: [Double]) {
        self.level = level
        self.reciprocity = reciprocity
        self.descending = descending
        self.alignmentH = alignmentH
    }
}

/// Why a level did not assemble: the metric that fell short at the last snapshot, with its
/// last and best values, or that the thresholds held for fewer than K snapshots in a row.
public struct Shortfall: Codable, Equatable, Sendable {
    /// `reciprocity`, `descending` or `alignment_H`; nil when every metric passes at the last
    /// snapshot but for fewer than K consecutive snapshots.
    public var metric: String?
    public var threshold: Double?
    /// The metric at the last snapshot (nil when it is not a number there).
    public var lastValue: Double?
    /// The largest value the metric reached at any snapshot.
    public var bestValue: Double?
    /// Consecutive passing snapshots at the end of the series.
    public var passingSnapshotsAtEnd: Int
    /// The same in words, for the Markdown and the terminal.
    public var text: String
}

/// The detector's verdict for one level.
public struct LevelAssembly: Codable, Equatable, Sendable {
    public var level: Int
    /// The step of the first of K consecutive snapshots at which every metric passed; nil: not assembled.
    public var onsetStep: Int?
    /// The index of that snapshot.
    public var onsetSnapshot: Int?
    /// The phase the onset falls in, a ``Phase`` raw value (`reciprocal-stage`,
    /// `descending-stage` or `learning`): the phase of the onset snapshot. In model version 2 the
    /// whole motif assembles during development; in version 1 it completed during learning.
    public var onsetPhase: String?
    /// What /assembly/onset_step of the file says (with the run's own thresholds; nil for -1).
    public var fileOnsetStep: Int?
    public var shortfall: Shortfall?

    public var assembled: Bool { onsetStep != nil }
}

/// Re-runs the self-assembly detection on the stored per-snapshot metrics with the report's
/// thresholds. It reuses the engine's ``AssemblyDetector`` (the very code the simulator ran),
/// so with the run's thresholds it reproduces /assembly/onset_step exactly; with other
/// thresholds it answers "when would it have counted as assembled".
///
/// A NaN metric never passes (comparisons with NaN are false), so undefined values, e.g.
/// after a divergence, cannot fake an assembly.
public enum AssemblyDetection {
    /// - Parameter phases: the phase of every snapshot (``Phase`` raw values), to say in which
    ///   phase each onset falls; empty leaves `onsetPhase` nil.
    public static func detect(steps: [Int], levels: [LevelMetricSeries], thresholds: AssemblyThresholds,
                              fileOnsets: [Int?] = [], phases: [String] = []) -> [LevelAssembly] {
        var detector = AssemblyDetector(levels: levels.count, thresholds: thresholds)
        var onsetSnapshot = [Int?](repeating: nil, count: levels.count)
        for (index, step) in steps.enumerated() {
            let metrics = levels.enumerated().map { i, series in
                LevelMotifMetrics(level: i + 1, reciprocity: series.reciprocity[index],
                                  descending: series.descending?[index], alignmentH: series.alignmentH[index],
                                  alignmentBP: .nan, spectrum: Spectrum(eigenvalues: []))
            }
            for level in detector.observe(step: step, metrics: metrics) {
                onsetSnapshot[level - 1] = steps.firstIndex(of: detector.onsets[level - 1]!)
            }
        }
        return levels.enumerated().map { i, series in
            LevelAssembly(level: i + 1, onsetStep: detector.onsets[i], onsetSnapshot: onsetSnapshot[i],
                          onsetPhase: onsetSnapshot[i].flatMap { $0 < phases.count ? phases[$0] : nil },
                          fileOnsetStep: i < fileOnsets.count ? fileOnsets[i] : nil,
                          shortfall: detector.onsets[i] == nil
                              ? shortfall(series, thresholds: thresholds, passingAtEnd: detector.runLength[i]) : nil)
        }
    }

    /// The first metric (in the order reciprocity, descending, alignment_H) below its
    /// threshold at the last snapshot.
    static func shortfall(_ series: LevelMetricSeries, thresholds: AssemblyThresholds, passingAtEnd: Int) -> Shortfall {
        var candidates: [(String, [Double], Double)] = [("reciprocity", series.reciprocity, thresholds.reciprocity)]
        if let descending = series.descending { candidates.append(("descending", descending, thresholds.descending)) }
        candidates.append(("alignment_H", series.alignmentH, thresholds.alignmentH))
        for (name, values, threshold) in candidates {
            guard let last = values.last else { break }
            if !(last >= threshold) {
                let finite = values.filter(\.isFinite)
                let lastText = last.isFinite ? Format.fixed(last, 3) : "not a number"
                let best = finite.max()
                let bestText = best.map { ", best \(Format.fixed($0, 3))" } ?? ""
                return Shortfall(metric: name, threshold: threshold, lastValue: last.isFinite ? last : nil,
                                 bestValue: best, passingSnapshotsAtEnd: passingAtEnd,
                                 text: "\(name) stayed short: \(lastText) at the last snapshot\(bestText), threshold \(Format.short(threshold))")
            }
        }
        let text = series.reciprocity.isEmpty
            ? "no snapshot"
            : "the thresholds held for only \(passingAtEnd) of \(thresholds.consecutive) consecutive snapshots"
        return Shortfall(metric: nil, threshold: nil, lastValue: nil, bestValue: nil,
                         passingSnapshotsAtEnd: passingAtEnd, text: text)
    }
}
