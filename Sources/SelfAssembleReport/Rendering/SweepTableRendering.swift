import Foundation
import SelfAssembleStore

/// The sweep table as Markdown (for reading), CSV and HDF5 (for analysis), and a plot of one
/// quantity against one parameter.
extension SweepTable {
    /// Fixed digits for ordinary values; a diverged loss (1e37) in scientific notation.
    private static func f(_ x: Double, _ digits: Int = 4) -> String {
        guard x.isFinite else { return "n/a" }
        return abs(x) >= 1e5 ? String(format: "%.2e", x) : String(format: "%.\(digits)f", x)
    }

    /// One row per group: the parameters, seeds, test accuracy (mean ± spread, range), the final
    /// training loss, the final alignment with backpropagation's gradient (mean over levels)
    /// and the assembly onset per level (mean step; how many seeds assembled).
    public func markdown() -> String {
        let alignment = (1...max(levels, 1)).map { "alignment_bp_\($0)" }.filter(quantities.contains)
        // Parameters of one value are settings of every run, said once below the table.
        let shown = groupParameters.filter { p in Set(groups.map { $0.parameters[p] ?? "" }).count > 1 }
        let settings = groupParameters.filter { !shown.contains($0) }.map { "\($0) = \(groups.first?.parameters[$0] ?? "")" }
        var header = shown + ["seeds", "test accuracy (mean ± sd)", "min–max", "final train loss"]
        if !alignment.isEmpty { header.append("alignment_bp (mean over levels)") }
        if levels > 0 { header.append("onset step per level (mean; assembled/seeds)") }
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: header.count)]
        for group in groups {
            let accuracy = group.statistics("test_accuracy")
            var cells = shown.map { group.parameters[$0] ?? "" }
            cells += ["\(group.results.count)", SeedStatistics.meanAndSpread(accuracy.mean, accuracy.spread) { Self.f($0) },
                      "\(Self.f(accuracy.minimum))–\(Self.f(accuracy.maximum))", Self.f(group.statistics("train_loss").mean)]
            if !alignment.isEmpty {
                let perRun = group.results.map { r in alignment.compactMap { r.values[$0] }.filter(\.isFinite) }
                    .filter { !$0.isEmpty }.map { $0.reduce(0, +) / Double($0.count) }
                cells.append(Self.f(SeedStatistics(perRun).mean, 3))
            }
            if levels > 0 {
                cells.append((1...levels).map { l -> String in
                    let onset = group.statistics("onset_\(l)"), assembled = Int(group.values("assembled_\(l)").reduce(0, +))
                    return "\(l): " + (onset.count > 0 ? String(Int(onset.mean.rounded())) : "–") + " (\(assembled)/\(group.results.count))"
                }.joined(separator: ", "))
            }
            let diverged = group.results.filter { $0.divergedAtStep != nil }.count
            if diverged > 0 { cells[cells.count - 1] += "; \(diverged) diverged" }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        var text = lines.joined(separator: "\n") + "\n"
        text += "\nMean and sample standard deviation over seeds\(seedParameter.map { " (\($0))" } ?? ""); the last value of each metric of the run file."
        text += settings.isEmpty ? "\n" : " Every run: \(settings.joined(separator: ", ")).\n"
        if !missing.isEmpty {
            text += "\n\(missing.count) run\(missing.count == 1 ? " is" : "s are") not in the table: "
                + missing.map { "\(($0.run.path as NSString).lastPathComponent) (\($0.reason))" }.joined(separator: "; ") + "\n"
        }
        return text
    }

    /// One row per group: the parameters, the number of seeds, and `<quantity>_mean`,
    /// `<quantity>_sd` for every quantity (test accuracy, each metric's last value, onsets).
    public func csv() -> String {
        let header = groupParameters + ["seeds"] + quantities.flatMap { ["\($0)_mean", "\($0)_sd"] }
        var lines = [header.map(Self.csvField).joined(separator: ",")]
        for group in groups {
            var fields = groupParameters.map { group.parameters[$0] ?? "" } + ["\(group.results.count)"]
            for q in quantities {
                let s = group.statistics(q)
                fields += [s.mean.isFinite ? "\(s.mean)" : "", s.spread.isFinite ? "\(s.spread)" : ""]
            }
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// The HDF5 summary: /summary (one row per group, as the CSV) and /runs (one row per run
    /// file: its parameters, `run_file` and every quantity).
    public func writeHDF5(path: String) throws {
        func column(_ name: String, _ texts: [String]) -> (name: String, values: TableColumn) { (name, .texts(texts)) }
        var summary = groupParameters.map { p in column(p, groups.map { $0.parameters[p] ?? "" }) }
        summary.append(("seeds", .numbers(groups.map { Double($0.results.count) })))
        for q in quantities {
            summary.append(("\(q)_mean", .numbers(groups.map { $0.statistics(q).mean })))
            summary.append(("\(q)_sd", .numbers(groups.map { $0.statistics(q).spread })))
        }
        let results = groups.flatMap(\.results)
        var runs = parameters.map { p in column(p, results.map { $0.run.parameters[p] ?? "" }) }
        runs.append(column("run_file", results.map(\.run.path)))
        for q in quantities { runs.append((q, .numbers(results.map { $0.values[q] ?? .nan }))) }
        try TableFile.write(path: path, tables: [("summary", summary), ("runs", runs)], attributes: [
            ("description", "selfassemble collect: /summary has one row per parameter combination (mean and sample standard deviation over seeds), /runs one row per run file"),
        ])
    }

    /// `quantity` (mean over seeds, with ± spread bars) against `parameter`, one line per
    /// combination of the other parameters. A parameter whose values are all numbers is a
    /// numeric axis; otherwise its values are placed in the order of the table.
    public func svg(quantity: String, against parameter: String) -> String {
        let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
        var categories = [String]()
        for g in groups where !categories.contains(g.parameters[parameter] ?? "") { categories.append(g.parameters[parameter] ?? "") }
        let numeric = categories.allSatisfy { Double($0) != nil }
        func x(_ value: String) -> Double { numeric ? Double(value)! : Double(categories.firstIndex(of: value)! + 1) }
        let others = groupParameters.filter { $0 != parameter }
        var seriesKeys = [[String]]()
        for g in groups {
            let key = others.map { g.parameters[$0] ?? "" }
            if !seriesKeys.contains(key) { seriesKeys.append(key) }
        }
        let series = seriesKeys.enumerated().map { i, key -> LineChart.Series in
            let members = groups.filter { g in others.map { g.parameters[$0] ?? "" } == key }
                .sorted { x($0.parameters[parameter] ?? "") < x($1.parameters[parameter] ?? "") }
            let stats = members.map { $0.statistics(quantity) }
            var s = LineChart.Series(name: key.isEmpty ? quantity : zip(others, key).map { "\($0)=\($1)" }.joined(separator: ", "),
                                     color: palette[i % palette.count],
                                     points: zip(members, stats).map { (x($0.parameters[parameter] ?? ""), $1.count > 0 ? $1.mean : nil) })
            s.errors = stats.map { $0.count > 1 ? $0.spread : nil }
            return s
        }
        var chart = LineChart(title: "\(quantity) against \(parameter) (mean ± sd over seeds)", xLabel: parameter, yLabel: quantity, series: series)
        if !numeric { chart.xCategories = categories }
        return chart.render()
    }
}
