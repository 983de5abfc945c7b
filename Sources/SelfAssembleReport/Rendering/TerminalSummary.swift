/// The short plain-text summary printed on the terminal: the run and its stages of
/// development, the assembly verdict per level (with the phase of the onset), the motif
/// z-scores at the key snapshots, and the warnings. No colours or control
/// characters, so it reads the same in a log file.
public enum TerminalSummary {
    public static func lines(_ report: MotifReport) -> [String] {
        let run = report.run
        var lines = ["motif report: \(run.path)"]
        var about = "  \(run.status), seed \(run.seed), sizes \(ReportText.sizes(run.upstreamSizes)) (downstream \(ReportText.sizes(run.downstreamSizes))), \(run.snapshots) snapshots up to step \(run.lastStep)"
        if let accuracy = run.finalTestAccuracy { about += ", test accuracy \(Format.fixed(accuracy, 3))" }
        lines.append(about)
        lines.append("  development: \(ReportText.stages(report) ?? "none")")
        lines.append("  assembly (\(ReportText.thresholds(report.options.thresholds))):")
        for level in report.levels {
            lines.append("    level \(level.level): \(ReportText.assembly(level.assembly))")
        }
        let o = report.options
        lines.append("  anatomy (strongest \(Format.short(o.topPercent))% of synapses, \(o.nullModel) null, \(o.nullSamples) samples, seed \(o.seed)); z at \(ReportText.roles(report)):")
        for level in report.levels {
            var s = "    level \(level.level): reciprocal pairs z \(ReportText.zSeries(level.motifs.map(\.reciprocalPairs.z)))"
            if level.motifs.contains(where: { $0.fourSynapseMotifs != nil }) {
                s += "; four-synapse motifs z \(ReportText.zSeries(level.motifs.map { $0.fourSynapseMotifs?.signed.z }))"
            }
            lines.append(s + "; " + ReportText.overRepresentation(level))
        }
        for warning in report.warnings { lines.append("  warning: \(warning)") }
        return lines
    }

    public static func text(_ report: MotifReport) -> String {
        lines(report).joined(separator: "\n") + "\n"
    }
}
