import SelfAssemble

/// Sentences shared by the Markdown and the terminal summary, so that both say the same thing
/// in the same words.
enum ReportText {
    static func thresholds(_ t: AssemblyThresholds) -> String {
        "reciprocity >= \(Format.short(t.reciprocity)), descending >= \(Format.short(t.descending)), alignment_H >= \(Format.short(t.alignmentH)) for K = \(t.consecutive) consecutive snapshots"
    }

    static func assembly(_ a: LevelAssembly) -> String {
        if let onset = a.onsetStep { return "assembled at step \(onset)" }
        return "not assembled (\(a.shortfall?.text ?? "no snapshot"))"
    }

    /// "0.4 / 252 / 267": z-scores over the key snapshots.
    static func zSeries(_ values: [Double?]) -> String {
        values.map(Format.z).joined(separator: " / ")
    }

    /// Where the level's motif is over-represented, in words.
    static func overRepresentation(_ level: LevelReport) -> String {
        let at = level.motifs.filter(\.motifOverRepresented).map { $0.roles.map(\.words).joined(separator: " = ") }
        let what = level.level == 1 ? "reciprocal pairs" : "motif"
        return at.isEmpty ? "\(what) not over-represented" : "\(what) over-represented at: \(at.joined(separator: ", "))"
    }

    static func roles(_ report: MotifReport) -> String {
        report.keySnapshots.map(\.words).joined(separator: " / ")
    }

    static func sizes(_ sizes: [Int]) -> String {
        sizes.map(String.init).joined(separator: ", ")
    }
}
