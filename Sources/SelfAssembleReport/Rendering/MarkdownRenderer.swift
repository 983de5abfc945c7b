import Foundation

/// The report as Markdown, for a lab notebook or a supplement. The figures are referenced by
/// file name (they are written beside report.md). Every number printed here is a field of the
/// ``MotifReport`` and so also in report.json.
public enum MarkdownRenderer {
    public static func render(_ report: MotifReport, figures: [ReportFigure]) -> String {
        var md = [String]()
        let run = report.run
        md.append("# Motif report: \((run.path as NSString).lastPathComponent)")
        md.append("")
        md.append("When and where the four-synapse motif (W_l, V_l, Vbar_l, Wbar_l) assembled in the run `\(run.path)`, and what it looks like anatomically. Definitions: docs/report.md of selfassemble.")
        md.append("")
        md += runTable(report)
        if !report.warnings.isEmpty {
            md.append("")
            md.append("## Warnings")
            md.append("")
            for warning in report.warnings { md.append("- \(warning)") }
        }
        md.append("")
        md += assembly(report)
        md.append("")
        md.append("## Trajectories")
        md.append("")
        for figure in figures where figure.fileName.hasPrefix("trajectories-") || figure.fileName == "accuracy.svg" || figure.fileName == "effective-rank.svg" {
            md.append("![\(figure.fileName)](\(figure.fileName))")
            md.append("")
            md.append("*\(figure.caption)*")
            md.append("")
        }
        md += anatomy(report)
        md.append("")
        md += figure3(report, figures: figures)
        md.append("")
        md += definitions(report)
        return md.joined(separator: "\n") + "\n"
    }

    static func runTable(_ report: MotifReport) -> [String] {
        let run = report.run
        var rows: [(String, String)] = [
            ("file", "`\(run.path)`"),
            ("status", run.isComplete ? "complete" : "\(run.status) (incomplete)"),
            ("written by", "selfassemble \(run.softwareVersion), format version \(run.formatVersion), created \(run.created)"),
            ("seed", String(run.seed)),
            ("data", run.data),
            ("upstream U_0 ... U_L", ReportText.sizes(run.upstreamSizes) + " cells"),
            ("downstream D_1 ... D_L", ReportText.sizes(run.downstreamSizes) + " cells"),
            ("snapshots", "\(run.snapshots), steps \(report.timeline.steps.first ?? 0) to \(run.lastStep)"),
        ]
        if let names = run.levelNames { rows.append(("level names", names.joined(separator: ", "))) }
        rows.append(("development", ReportText.stages(report) ?? "none"))
        if let a = run.finalTestAccuracy { rows.append(("circuit test accuracy", Format.fixed(a, 3))) }
        if let a = run.finalTrainAccuracy { rows.append(("circuit training accuracy (last epoch)", Format.fixed(a, 3))) }
        if let a = run.bpFinalTestAccuracy { rows.append(("backpropagation test accuracy", Format.fixed(a, 3))) }
        if let a = run.bpTunedFinalTestAccuracy, let lambda = run.bpTunedWeightDecay {
            rows.append(("backpropagation at its best weight decay", "\(Format.fixed(a, 3)) (weight decay \(Format.short(lambda)))"))
        }
        if let d = run.divergedAtStep { rows.append(("diverged", "at step \(d)")) }
        var md = ["| run | |", "|---|---|"]
        md += rows.map { "| \($0.0) | \($0.1) |" }
        return md
    }

    static func assembly(_ report: MotifReport) -> [String] {
        var md = ["## Assembly", ""]
        md.append("The motif counts as assembled at a level from the first snapshot after which \(ReportText.thresholds(report.options.thresholds)) (the report's thresholds; level 1 has no descending metric). Detected on the metrics stored in the file.")
        let f = report.fileAssembly
        let fileOnsets = f.onsetSteps.map { $0.map(String.init) ?? "none" }.joined(separator: ", ")
        md.append("The run's own detector used \(ReportText.thresholds(f.thresholds)) and recorded onsets \(fileOnsets)\(report.run.isComplete ? "" : " (not written yet: the run is incomplete)").")
        md.append("")
        md.append("The verdict names the phase the onset falls in: the reciprocal stage of development (V and Vbar learn from noise), the descending stage (W and Wbar learn from noise) or learning (the task).")
        md.append("")
        md.append("| level | verdict | onset step | onset snapshot | file's onset | reciprocity | descending | alignment_H | alignment_bp (last snapshot) |")
        md.append("|---|---|---|---|---|---|---|---|---|")
        for level in report.levels {
            let a = level.assembly
            func last(_ name: String) -> String {
                let value = report.trajectories.first { $0.name == name }?.values.last ?? nil
                return Format.fixed(value, 3)
            }
            let l = level.level
            md.append("| \(l) | \(ReportText.assembly(a)) | \(a.onsetStep.map(String.init) ?? "-") | \(a.onsetSnapshot.map(String.init) ?? "-") | \(a.fileOnsetStep.map(String.init) ?? "-") | \(last("reciprocity_\(l)")) | \(l >= 2 ? last("descending_\(l)") : "-") | \(last("alignment_H_\(l)")) | \(last("alignment_bp_\(l)")) |")
        }
        return md
    }

    static func anatomy(_ report: MotifReport) -> [String] {
        let o = report.options
        var md = ["## Anatomy: the strongest synapses", ""]
        md.append("Each projection keeps its strongest \(Format.short(o.topPercent))% of synapses (by magnitude) with their signs, as a directed graph of cells. **Reciprocal pairs**: U_l cell j and D_l cell k with j->k through V_l and k->j through Vbar_l of the same sign. **Four-synapse motifs** (from level 2): cells i in U_{l-1}, j in U_l, k in D_l with i->j (W_l), a reciprocal pair j<->k, and k->i (Wbar_l); counted +1 when the cycle W, V, Wbar has a positive sign product and -1 when negative (the signed count; + and - give the motifs of each sign). **Null**: every projection's cells relabelled independently (rows and columns permuted; keeps each projection's synapses, signs and degree distribution, destroys the alignment between projections), \(o.nullSamples) samples, seed \(o.seed). z = (count - null mean) / null std; p = (1 + null samples >= count) / (1 + samples). A count is over-represented when z >= \(Format.short(o.zThreshold)) and it beats every null sample; the motif is over-represented when its reciprocal pairs and its four-synapse motifs both are.")
        md.append("")
        md += stageTable(report)
        md.append("")
        md.append("| level | snapshot | step | reciprocal pairs | null mean ± std | z | p | four-synapse (signed) | + / − | null mean ± std | z | p | motif over-represented |")
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for level in report.levels {
            for m in level.motifs {
                let r = m.reciprocalPairs
                var row = "| \(level.level) | \(m.roles.map(\.words).joined(separator: " = ")) | \(m.step) | \(r.observed) | \(Format.fixed(r.nullMean, 1)) ± \(Format.fixed(r.nullStd, 1)) | \(Format.z(r.z)) | \(pText(r.pValue)) |"
                if let four = m.fourSynapseMotifs {
                    let s = four.signed
                    row += " \(s.observed) | \(four.positive) / \(four.negative) | \(Format.fixed(s.nullMean, 1)) ± \(Format.fixed(s.nullStd, 1)) | \(Format.z(s.z)) | \(pText(s.pValue)) |"
                } else {
                    row += " - | - | - | - | - |"
                }
                row += " \(m.motifOverRepresented ? "**yes**" : "no")\(m.smallCounts ? " (few counts)" : "") |"
                md.append(row)
            }
        }
        md.append("")
        md.append("Synapses kept (smallest kept magnitude; largest magnitude) at \(ReportText.roles(report)):")
        md.append("")
        md.append("| projection | synapses | kept | cut | largest |")
        md.append("|---|---|---|---|---|")
        for level in report.levels {
            let projections = level.motifs.first?.kept.map(\.projection) ?? []
            for name in projections {
                let entries = level.motifs.compactMap { m in m.kept.first { $0.projection == name } }
                guard let first = entries.first else { continue }
                md.append("| \(name) | \(first.synapses) | \(first.kept) | \(entries.map { Format.significant($0.threshold) }.joined(separator: " / ")) | \(entries.map { Format.significant($0.largestMagnitude) }.joined(separator: " / ")) |")
            }
        }
        let expected = report.levels.flatMap { level in level.motifs.compactMap { m in m.fourSynapseMotifs.map { (level.level, m, $0) } } }
        if !expected.isEmpty {
            md.append("")
            md.append("Four-synapse motifs of either sign (observed; expected under the null):")
            md.append("")
            md.append("| level | snapshot | step | motifs | expected under the null |")
            md.append("|---|---|---|---|---|")
            for (l, m, four) in expected {
                md.append("| \(l) | \(m.roles.map(\.words).joined(separator: " = ")) | \(m.step) | \(four.all) | \(Format.fixed(four.nullExpectedAll, 1)) |")
            }
        }
        return md
    }

    /// The z-scores stage by stage: one row per level, one column per key snapshot.
    static func stageTable(_ report: MotifReport) -> [String] {
        let keys = report.keySnapshots
        var md = ["z-scores at \(ReportText.roles(report)), stage by stage (reciprocal pairs; signed four-synapse motifs):", ""]
        md.append("| level | count | " + keys.map { "\($0.words) (step \($0.step))" }.joined(separator: " | ") + " |")
        md.append("|---|---|" + String(repeating: "---|", count: keys.count))
        for level in report.levels {
            let small = level.motifs.contains(where: \.smallCounts) ? " (few counts)" : ""
            md.append("| \(level.level)\(small) | reciprocal pairs | " + level.motifs.map { Format.z($0.reciprocalPairs.z) }.joined(separator: " | ") + " |")
            if level.motifs.contains(where: { $0.fourSynapseMotifs != nil }) {
                md.append("| \(level.level)\(small) | four-synapse motifs | " + level.motifs.map { Format.z($0.fourSynapseMotifs?.signed.z) }.joined(separator: " | ") + " |")
            }
        }
        return md
    }

    static func pText(_ p: Double) -> String {
        p < 0.001 ? String(format: "%.1e", p) : String(format: "%.3f", p)
    }

    static func figure3(_ report: MotifReport, figures: [ReportFigure]) -> [String] {
        var md = ["## Figure-3 views: correlations and spectra", ""]
        md.append("Cosines between the cells of U_l by their synapses (normalised W_l W_lᵀ and Vbar_l Vbar_lᵀ), and singular values of W_l and Vbar_l with the effective rank of their squares (for Vbar_l, the effective rank of H_l).")
        md.append("")
        md.append("| projection | snapshot | step | mean abs cosine | effective rank | largest singular value | smallest singular value |")
        md.append("|---|---|---|---|---|---|---|")
        for level in report.levels {
            for c in level.correlations {
                let role = report.keySnapshots.first { $0.snapshot == c.snapshot }?.words ?? ""
                let s = level.spectra.first { $0.projection == c.projection && $0.snapshot == c.snapshot }
                md.append("| \(c.projection) | \(role) | \(c.step) | \(Format.fixed(c.meanAbsCosine, 3)) | \(Format.fixed(s?.effectiveRank, 1)) | \(s?.values.first.map(Format.significant) ?? "-") | \(s?.values.last.map(Format.significant) ?? "-") |")
            }
        }
        md.append("")
        for figure in figures where figure.fileName.hasPrefix("gram-") || figure.fileName.hasPrefix("spectra-") {
            md.append("![\(figure.fileName)](\(figure.fileName))")
            md.append("")
            md.append("*\(figure.caption)*")
            md.append("")
        }
        return md
    }

    static func definitions(_ report: MotifReport) -> [String] {
        [
            "## How to read this report",
            "",
            "- Onset: the step of the first of K consecutive snapshots at which every metric of the level passes its threshold; metrics that are not numbers never pass.",
            "- Development has two stages of spontaneous activity (model version 2): the reciprocal stage, where V and Vbar learn and Vbar_l becomes V_l^T, then the descending stage, where W and Wbar learn from noise until Wbar_l V_l = W_l^T. Runs of model version 1 have only the reciprocal stage.",
            "- End of reciprocal stage, end of development: the last snapshot of the reciprocal stage, and the last snapshot of development (of the descending stage when there is one); the run records one at the last step of each stage. Without a descending stage the two are the same snapshot.",
            "- Every number above is computed from the run file; report.json holds all of them (and the metric series behind the figures). The full definitions are in docs/report.md of selfassemble.",
        ]
    }
}
