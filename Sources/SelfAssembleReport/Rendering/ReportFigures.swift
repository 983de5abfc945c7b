import Foundation

/// One figure of a report: its file name (in the report directory), what it shows, and the SVG.
public struct ReportFigure: Sendable {
    public var fileName: String
    public var caption: String
    public var svg: String
}

/// The report's figures, drawn from a ``MotifReport`` alone (no file access, no new numbers):
/// - `trajectories-level-<l>.svg`: reciprocity, descending, alignment_H and alignment_bp over
///   the steps, with the thresholds, the end of the reciprocal stage, the development/learning
///   boundary and the onset
/// - `accuracy.svg`, `effective-rank.svg`: test and training accuracy; effective rank of H_l
/// - `gram-level-<l>.svg`: Vbar_l Vbar_l^T and W_l W_l^T (normalised) at the first and last snapshot
/// - `spectra-level-<l>.svg`: singular values of W_l and Vbar_l at the first and last snapshot
public enum ReportFigures {
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    static let metricColors = (reciprocity: "#1f77b4", descending: "#ff7f0e", alignmentH: "#2ca02c", alignmentBP: "#7f7f7f")
    /// The end of the reciprocal stage: grey, beside the black end of development.
    static let stageColor = "#999"

    /// What the dashed vertical lines of a figure mean, for its caption.
    static func boundaryWords(_ report: MotifReport) -> String {
        markers(report, levels: []).map { "dashed \($0.cssClass == "boundary" ? "black" : "grey"): \($0.label.components(separatedBy: ",")[0])" }
            .joined(separator: "; ")
    }

    /// True for a file name that some report's figure has (any level): what a new report in
    /// the same directory replaces, so that no figure of an older report (a deeper circuit's
    /// level-3 figures) is left beside it. Kept in step with the names below.
    public static func isFigureName(_ name: String) -> Bool {
        if name == "accuracy.svg" || name == "effective-rank.svg" { return true }
        for prefix in ["trajectories-level-", "gram-level-", "spectra-level-"] where name.hasPrefix(prefix) && name.hasSuffix(".svg") {
            let level = name.dropFirst(prefix.count).dropLast(".svg".count)
            return !level.isEmpty && level.allSatisfy(\.isASCII) && level.allSatisfy(\.isNumber)
        }
        return false
    }

    public static func make(_ report: MotifReport) -> [ReportFigure] {
        var figures = report.levels.map { trajectory(report, level: $0) }
        figures.append(accuracy(report))
        figures.append(effectiveRank(report))
        for level in report.levels {
            if let gram = gram(report, level: level) { figures.append(gram) }
            figures.append(spectra(report, level: level))
        }
        return figures
    }

    static func levelTitle(_ report: MotifReport, _ l: Int) -> String {
        if let name = report.levels[l - 1].name { return "level \(l) (\(name))" }
        return "level \(l)"
    }

    static func series(_ report: MotifReport, _ name: String) -> [(x: Double, y: Double?)]? {
        guard let s = report.trajectories.first(where: { $0.name == name }) else { return nil }
        return zip(report.timeline.steps, s.values).map { (Double($0), $1) }
    }

    /// The end of the reciprocal stage (class `stage-boundary`, when a descending stage follows
    /// it), the development/learning boundary (class `boundary`), each drawn when a later
    /// snapshot exists, and the onsets of the given levels.
    static func markers(_ report: MotifReport, levels: [LevelReport]) -> [LineChart.Marker] {
        var markers = [LineChart.Marker]()
        let t = report.timeline, last = t.steps.count - 1
        if let end = t.endOfReciprocalStage, end < last, end != t.endOfDevelopment {
            markers.append(.init(x: Double(t.steps[end]), label: "end of reciprocal stage, step \(t.steps[end])",
                                 color: stageColor, cssClass: "stage-boundary", dash: "5,4"))
        }
        if let end = t.endOfDevelopment, end < last {
            markers.append(.init(x: Double(t.steps[end]), label: "end of development, step \(t.steps[end])",
                                 color: "#000", cssClass: "boundary", dash: "5,4"))
        }
        for level in levels {
            if let onset = level.assembly.onsetStep {
                let label = levels.count == 1 ? "onset, step \(onset)" : "onset L\(level.level), step \(onset)"
                markers.append(.init(x: Double(onset), label: label, color: levels.count == 1 ? "#9467bd" : palette[(level.level - 1) % palette.count],
                                     cssClass: "onset", dash: levels.count == 1 ? nil : "1,2"))
            }
        }
        return markers
    }

    static func trajectory(_ report: MotifReport, level: LevelReport) -> ReportFigure {
        let l = level.level
        let t = report.options.thresholds
        var lines = [LineChart.Series]()
        var references = [LineChart.Reference]()
        if let s = series(report, "reciprocity_\(l)") {
            lines.append(.init(name: "reciprocity", color: metricColors.reciprocity, points: s))
            references.append(.init(y: t.reciprocity, label: "reciprocity threshold \(Format.short(t.reciprocity))", color: metricColors.reciprocity))
        }
        if let s = series(report, "descending_\(l)") {
            lines.append(.init(name: "descending", color: metricColors.descending, points: s))
            references.append(.init(y: t.descending, label: "descending threshold \(Format.short(t.descending))", color: metricColors.descending))
        }
        if let s = series(report, "alignment_H_\(l)") {
            lines.append(.init(name: "alignment_H", color: metricColors.alignmentH, points: s))
            references.append(.init(y: t.alignmentH, label: "alignment_H threshold \(Format.short(t.alignmentH))", color: metricColors.alignmentH))
        }
        if let s = series(report, "alignment_bp_\(l)") {
            lines.append(.init(name: "alignment_bp", color: metricColors.alignmentBP, points: s, dashed: true))
        }
        var chart = LineChart(title: "Motif metrics, \(levelTitle(report, l))", xLabel: "step", yLabel: "cosine", series: lines)
        chart.references = references
        chart.markers = markers(report, levels: [level])
        chart.yRange = (-1, 1)
        let state = level.assembly.onsetStep.map { "assembled at step \($0)" } ?? "not assembled"
        return ReportFigure(fileName: "trajectories-level-\(l).svg",
                            caption: "Motif metrics of \(levelTitle(report, l)) over the steps (\(state)); dotted: thresholds; " + [boundaryWords(report), "purple: onset."].filter { !$0.isEmpty }.joined(separator: "; "),
                            svg: chart.render())
    }

    static func accuracy(_ report: MotifReport) -> ReportFigure {
        var lines = [LineChart.Series]()
        if let s = series(report, "test_accuracy") { lines.append(.init(name: "test accuracy", color: "#1f77b4", points: s)) }
        if let s = series(report, "train_accuracy") { lines.append(.init(name: "training accuracy (epoch so far)", color: "#ff7f0e", points: s, dashed: true)) }
        var chart = LineChart(title: "Accuracy", xLabel: "step", yLabel: "fraction correct", series: lines)
        chart.markers = markers(report, levels: report.levels)
        chart.yRange = (0, 1)
        return ReportFigure(fileName: "accuracy.svg", caption: "Test and training accuracy over the steps, with the ends of the stages of development and the onsets.",
                            svg: chart.render())
    }

    static func effectiveRank(_ report: MotifReport) -> ReportFigure {
        let lines = report.levels.compactMap { level -> LineChart.Series? in
            series(report, "H_effective_rank_\(level.level)").map {
                .init(name: "H_\(level.level) (\(report.run.upstreamSizes[level.level]) cells)", color: palette[(level.level - 1) % palette.count], points: $0)
            }
        }
        var chart = LineChart(title: "Effective rank of H_l = Vbar_l Vbar_l^T", xLabel: "step", yLabel: "effective rank", series: lines)
        chart.markers = markers(report, levels: report.levels)
        return ReportFigure(fileName: "effective-rank.svg", caption: "Effective rank of each level's matrix learning rate H_l over the steps.",
                            svg: chart.render())
    }

    static func gram(_ report: MotifReport, level: LevelReport) -> ReportFigure? {
        let l = level.level
        let maps = report.heatmaps.filter { $0.level == l }
        guard let first = maps.map(\.snapshot).min(), let last = maps.map(\.snapshot).max() else { return nil }
        var rows = [[HeatmapFigure.Panel]]()
        for kind in ["Vbar", "W"] {
            let name = "\(kind)_\(l)"
            let row = Array(Set([first, last])).sorted().compactMap { snapshot -> HeatmapFigure.Panel? in
                guard let map = maps.first(where: { $0.projection == name && $0.snapshot == snapshot }) else { return nil }
                let summary = level.correlations.first { $0.projection == name && $0.snapshot == snapshot }
                var caption = "mean |cos| \(Format.fixed(summary?.meanAbsCosine, 3)), \(map.cells) cells"
                if map.stride > 1 { caption += ", 1 cell in \(map.stride) shown" }
                return .init(title: "\(name) \(name)ᵀ, step \(map.step)", side: map.side, values: map.values, caption: caption)
            }
            rows.append(row)
        }
        let figure = HeatmapFigure(title: "Correlations of the cells of U_\(l) (\(levelTitle(report, l))): first and last snapshot",
                                   rows: rows, colorbarLabel: "cosine")
        return ReportFigure(fileName: "gram-level-\(l).svg",
                            caption: "Vbar_\(l) Vbar_\(l)ᵀ (top) and W_\(l) W_\(l)ᵀ (bottom), normalised to cosines between the cells' synapse vectors, at the first (left) and last (right) snapshot.",
                            svg: figure.render())
    }

    static func spectra(_ report: MotifReport, level: LevelReport) -> ReportFigure {
        let l = level.level
        let first = report.keySnapshots.first!.snapshot, last = report.keySnapshots.last!.snapshot
        var lines = [LineChart.Series]()
        for (kind, color) in [("W", "#1f77b4"), ("Vbar", "#d62728")] {
            for snapshot in Array(Set([first, last])).sorted() {
                guard let s = level.spectra.first(where: { $0.projection == "\(kind)_\(l)" && $0.snapshot == snapshot }) else { continue }
                lines.append(.init(name: "\(kind)_\(l) step \(s.step) (eff. rank \(Format.fixed(s.effectiveRank, 1)))", color: color,
                                   points: s.values.enumerated().map { (Double($0 + 1), $1) }, dashed: snapshot == first && first != last))
            }
        }
        var chart = LineChart(title: "Singular values, \(levelTitle(report, l))", xLabel: "index", yLabel: "singular value", series: lines)
        chart.logY = true
        return ReportFigure(fileName: "spectra-level-\(l).svg",
                            caption: "Singular values of W_\(l) and Vbar_\(l), largest first (log scale), at the first (dashed) and last (solid) snapshot.",
                            svg: chart.render())
    }
}
