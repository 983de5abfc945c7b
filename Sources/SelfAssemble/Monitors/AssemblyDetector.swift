/// Thresholds of the self-assembly detector (defaults from the model: 0.9, 0.5, 0.8, K = 3).
public struct AssemblyThresholds: Equatable, Sendable, Codable {
    public var reciprocity: Double = 0.9
    public var descending: Double = 0.5
    public var alignmentH: Double = 0.8
    /// K: consecutive snapshots that must all pass.
    public var consecutive: Int = 3

    public init(reciprocity: Double = 0.9, descending: Double = 0.5, alignmentH: Double = 0.8, consecutive: Int = 3) {
        self.reciprocity = reciprocity
        self.descending = descending
        self.alignmentH = alignmentH
        self.consecutive = consecutive
    }

    /// Whether one level's metrics pass every threshold (level 1 has no descending projection).
    public func passes(_ m: LevelMotifMetrics) -> Bool {
        m.reciprocity >= reciprocity && m.alignmentH >= alignmentH && (m.descending.map { $0 >= descending } ?? true)
    }

    /// The first metric of a level that falls short, for a plain "not assembled" report.
    public func shortfall(_ m: LevelMotifMetrics) -> String? {
        if m.reciprocity < reciprocity { return "reciprocity" }
        if let d = m.descending, d < descending { return "descending" }
        if m.alignmentH < alignmentH { return "alignment_H" }
        return nil
    }
}

/// Decides, snapshot by snapshot, when the motif has assembled at each level: at the first
/// snapshot from which reciprocity, descending consistency and alignment_H stay above their
/// thresholds for K consecutive snapshots. It can say "no": a level whose metrics never pass
/// K times in a row has no onset.
public struct AssemblyDetector: Equatable, Sendable, Codable {
    public let thresholds: AssemblyThresholds
    /// The onset step of each level (index l - 1), nil while not assembled.
    public private(set) var onsets: [Int?]
    private var runStart: [Int?]
    /// Consecutive passing snapshots so far, per level.
    public private(set) var runLength: [Int]
    /// The latest metrics seen, for reporting what fell short.
    public private(set) var latest: [LevelMotifMetrics] = []

    public init(levels: Int, thresholds: AssemblyThresholds) {
        self.thresholds = thresholds
        onsets = Array(repeating: nil, count: levels)
        runStart = Array(repeating: nil, count: levels)
        runLength = Array(repeating: 0, count: levels)
    }

    /// Feeds the metrics of one snapshot taken at `step`. Returns the levels that assembled now.
    @discardableResult
    public mutating func observe(step: Int, metrics: [LevelMotifMetrics]) -> [Int] {
        latest = metrics
        var assembledNow = [Int]()
        for m in metrics {
            let i = m.level - 1
            guard onsets[i] == nil else { continue }
            if thresholds.passes(m) {
                if runLength[i] == 0 { runStart[i] = step }
                runLength[i] += 1
                if runLength[i] >= thresholds.consecutive {
                    onsets[i] = runStart[i]
                    assembledNow.append(m.level)
                }
            } else {
                runLength[i] = 0
                runStart[i] = nil
            }
        }
        return assembledNow
    }

    /// Why a level has not assembled, in words: the first metric below its threshold at the
    /// latest snapshot, or that the thresholds held for fewer than K snapshots. nil once assembled.
    public func shortfall(level: Int) -> String? {
        guard onsets[level - 1] == nil else { return nil }
        if let m = latest.first(where: { $0.level == level }), let metric = thresholds.shortfall(m) {
            return "\(metric) stayed short"
        }
        return "the thresholds held for only \(runLength[level - 1]) of \(thresholds.consecutive) consecutive snapshots"
    }
}
