import Foundation
import SelfAssemble

/// The text form of an inspection (what `selfassemble inspect` prints): one labelled line per
/// fact, tables for populations, projections, metrics and onsets. Numbers are rounded for
/// reading; `--json` has them exact.
extension RunInspection {
    public func text() -> String {
        var lines = [String]()
        func field(_ label: String, _ value: String) {
            lines.append(label.padding(toLength: 15, withPad: " ", startingAt: 0) + value)
        }
        lines.append("\(file): selfassemble run file, format \(formatVersion) (written by selfassemble \(softwareVersion))")
        var state = condition
        state += " (created \(created)" + (finished.map { ", finished \($0)" } ?? "") + ")"
        field("status", state)
        field("seed", String(seed))
        field("data", data)
        if let inputs {
            field("inputs", "\(inputs.normalization): input = (raw - offset) / scale per feature (\(inputs.featureOffset.count) features, training-split statistics);"
                  + " offset \(Self.values(inputs.featureOffset)), scale \(Self.values(inputs.featureScale))")
            let classes = inputs.classesPresent
            let listed = classes.count > 1 && classes == Array(0..<classes.count) ? "0 to \(classes.count - 1)"
                : classes.prefix(12).map(String.init).joined(separator: ", ") + (classes.count > 12 ? ", ..." : "")
            field("classes", "\(listed) (\(classes.count) with training samples)")
        }
        let configurationLines = Self.wrap(configurationFields(), width: 100)
        field("configuration", configurationLines.first ?? "(none)")
        for line in configurationLines.dropFirst() { field("", line) }

        let upstream = populations.filter { $0.stream == "upstream" }.map { "\($0.name) \($0.size)" }
        let downstream = populations.filter { $0.stream == "downstream" }.map { "\($0.name) \($0.size)" }
        field("populations", "\(levels) level\(levels == 1 ? "" : "s"); cells: " + upstream.joined(separator: ", ") + " | " + downstream.joined(separator: ", "))
        field("projections", "\(projections.count) (target x source cells)")
        for p in projections {
            let shape = "\(p.rows) x \(p.cols)"
            lines.append("  " + p.name.padding(toLength: 9, withPad: " ", startingAt: 0)
                         + "\(p.source) -> \(p.target)".padding(toLength: 14, withPad: " ", startingAt: 0)
                         + p.compartment.padding(toLength: 8, withPad: " ", startingAt: 0) + shape)
        }
        field("feedback", feedbackSummary())
        for f in feedback {
            let ends = f.source.map { "\($0) -> \(f.target ?? "?")" } ?? f.target.map { "bias of \($0)" } ?? "?"
            lines.append("  " + f.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + ends.padding(toLength: 14, withPad: " ", startingAt: 0)
                         + "\(f.rows) x \(f.cols)".padding(toLength: 12, withPad: " ", startingAt: 0)
                         + (f.snapshots == snapshots.count ? "" : "at \(f.snapshots) of \(snapshots.count) snapshots; ")
                         + (f.meaning ?? "a projection this selfassemble does not describe"))
        }
        field("snapshots", snapshotSummary())

        if let step = lastStep {
            lines.append("last metrics (snapshot \(snapshots.count - 1), step \(step)):")
            for metric in lastMetrics {
                lines.append("  " + metric.name.padding(toLength: 22, withPad: " ", startingAt: 0) + Self.number(metric.value))
            }
        } else {
            lines.append("last metrics: none (no snapshot stored yet)")
        }

        let t = thresholds
        lines.append("assembly onsets (thresholds: reciprocity \(Self.short(t.reciprocity)), descending \(Self.short(t.descending)), alignment_H \(Self.short(t.alignmentH)), \(t.consecutive) consecutive snapshots):")
        for onset in onsets {
            let text = onset.step.map { "step \($0)" } ?? (isComplete ? "not assembled" : "not determined (the onsets are written when the run completes)")
            lines.append("  level \(onset.level)".padding(toLength: 12, withPad: " ", startingAt: 0) + text)
        }
        if let summary { field("summary", Self.describe(summary)) }
        if let comparison { field("comparison", Self.describe(comparison)) }
        if let tuned = tunedComparison {
            field("tuned bp", Self.describe(tuned, as: "\(tuned.rule) at its best weight decay \(tuned.weightDecay.map(Self.short) ?? "n/a")"))
        }
        return lines.joined(separator: "\n")
    }

    /// `key=value` for every top-level configuration field, compact JSON values, sorted keys.
    private func configurationFields() -> [String] {
        guard case .object(let fields)? = configuration else {
            return configuration.map { [$0.description] } ?? ["(not valid JSON) " + configurationJSON]
        }
        return fields.keys.sorted().map { key in
            if case .string(let text)? = fields[key] { return "\(key)=\(text)" }
            return "\(key)=\(fields[key]!.description)"
        }
    }

    /// "2 of rule kolen-pollack (target x source cells), at every snapshot", or why there are none.
    private func feedbackSummary() -> String {
        var rule: String?
        if case .object(let fields)? = configuration, case .string(let name)? = fields["rule"] { rule = name }
        guard !feedback.isEmpty else {
            guard let rule, let kind = RuleKind(rawValue: rule), !kind.usesMotif, kind != .bp else {
                return "none (rule \(rule ?? "?") owns no feedback projections)"
            }
            return "none stored (the file was written before they were; rule \(rule) \(kind.learnsFeedback ? "learns them, so the run cannot be continued" : "rebuilds them from the seed"))"
        }
        let everywhere = feedback.allSatisfy { $0.snapshots == snapshots.count }
        return "\(feedback.count) of rule \(rule ?? "?") (target x source cells)" + (everywhere ? ", at every snapshot" : "")
    }

    private func snapshotSummary() -> String {
        let steps = snapshots.steps
        guard !steps.isEmpty else { return "0 (no snapshot stored yet)" }
        let listed = steps.count <= 12
            ? steps.map(String.init).joined(separator: ", ")
            : (steps.prefix(5).map(String.init) + ["..."] + steps.suffix(3).map(String.init)).joined(separator: ", ")
        // "development: reciprocal stage steps 0...3000, descending stage steps 3100...5000; learning steps 5100...6320"
        func range(_ phase: Phase) -> String? {
            let indices = snapshots.phases.indices.filter { snapshots.phases[$0] == phase.rawValue }
            guard let first = indices.first, let last = indices.last else { return nil }
            return "steps \(steps[first])...\(steps[last])"
        }
        let stages = [("reciprocal stage", range(.reciprocalStage)), ("descending stage", range(.descendingStage))]
            .compactMap { name, range in range.map { "\(name) \($0)" } }
        var phases = stages.isEmpty ? [] : ["development: " + stages.joined(separator: ", ")]
        if let learning = range(.learning) { phases.append("learning \(learning)") }
        return "\(steps.count) at steps \(listed)" + (phases.isEmpty ? "" : " (" + phases.joined(separator: "; ") + ")")
    }

    private static func describe(_ outcome: Outcome, as label: String? = nil) -> String {
        var text = "\(label ?? outcome.rule): final test accuracy \(number(outcome.finalTestAccuracy)), train accuracy \(number(outcome.finalTrainAccuracy)), \(outcome.steps) steps"
        if let step = outcome.divergedAtStep { text += ", diverged at step \(step)" }
        return text
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        if value == value.rounded() && abs(value) < 1e6 { return String(format: "%.1f", value) }
        if abs(value) >= 1e4 || abs(value) < 1e-3 { return String(format: "%.4g", value) }
        return String(format: "%.4f", value)
    }

    /// Up to four values of a per-feature vector, then how many there are.
    static func values(_ v: [Float]) -> String {
        let shown = v.prefix(4).map { String(format: "%g", Double($0)) }.joined(separator: ", ")
        return v.count <= 4 ? "[\(shown)]" : "[\(shown), ...] (\(v.count) values)"
    }

    /// A parameter as written (0.9, not 0.9000).
    static func short(_ value: Double) -> String { String(format: "%g", value) }

    /// Joins items with spaces into lines of at most `width` characters (longer items alone).
    static func wrap(_ items: [String], width: Int) -> [String] {
        var lines = [String]()
        var current = ""
        for item in items {
            if current.isEmpty {
                current = item
            } else if current.count + 1 + item.count <= width {
                current += " " + item
            } else {
                lines.append(current)
                current = item
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
