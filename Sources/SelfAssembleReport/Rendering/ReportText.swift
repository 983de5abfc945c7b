import SelfAssemble

/// Sentences shared by the Markdown and the terminal summary, so that both say the same thing
/// in the same words.
enum ReportText {
    static func thresholds(_ t: AssemblyThresholds) -> String {
        "reciprocity >= \(Format.short(t.reciprocity)), descending >= \(Format.short(t.descending)), alignment_H >= \(Format.short(t.alignmentH)) for K = \(t.consecutive) consecutive snapshots"
    }

    /// "assembled at step 3300, during the descending stage of development".
    static func assembly(_ a: LevelAssembly) -> String {
        if let onset = a.onsetStep {
            guard let phase = a.onsetPhase.flatMap(Phase.init(rawValue:)) else { return "assembled at step \(onset)" }
            return "assembled at step \(onset), during \(phase.words)"
        }
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

    /// The stages of development by their steps: "reciprocal stage to step 3000 (snapshot 30),
    /// descending stage to step 5000 (snapshot 50)"; nil for a run without development. A stage
    /// without a snapshot after it in an incomplete run is "so far".
    static func stages(_ report: MotifReport) -> String? {
        let t = report.timeline
        var parts = [String]()
        for (phase, end) in [(Phase.reciprocalStage, t.endOfReciprocalStage), (.descendingStage, t.endOfDescendingStage)] {
            guard let end else { continue }
            let first = t.phases.firstIndex(of: phase.rawValue)!
            // Snapshot 0 is the random circuit, before the first update of the reciprocal stage.
            let from = first == 0 ? 0 : t.steps[first - 1]
            let name = phase == .reciprocalStage ? "reciprocal stage" : "descending stage"
            let soFar = end == t.steps.count - 1 && !report.run.isComplete ? " so far" : ""
            parts.append("\(name) steps \(from) to \(t.steps[end])\(soFar) (snapshot \(end))")
        }
        guard !parts.isEmpty else { return nil }
        if t.endOfDescendingStage == nil && (report.run.isComplete || t.phases.last == Phase.learning.rawValue) {
            parts.append("no descending stage (model version 1, or --descending-steps 0)")
        }
        return parts.joined(separator: ", ")
    }

    static func roles(_ report: MotifReport) -> String {
        report.keySnapshots.map(\.words).joined(separator: " / ")
    }

    static func sizes(_ sizes: [Int]) -> String {
        sizes.map(String.init).joined(separator: ", ")
    }
}
