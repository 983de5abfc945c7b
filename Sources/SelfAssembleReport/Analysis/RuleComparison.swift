import Foundation
import SelfAssemble
import SelfAssembleStore

/// `selfassemble compare`'s table: every rule trained on the same network, data, seeds and
/// minibatch order, read back from its run files, one row per rule.
public struct RuleComparison: Sendable {
    /// One run file of the comparison.
    public struct Run: Sendable {
        public var rule: String
        public var seed: UInt64
        public var path: String
        /// Seconds it took; nil when an earlier complete file was kept.
        public var seconds: Double?
        public init(rule: String, seed: UInt64, path: String, seconds: Double?) {
            self.rule = rule
            self.seed = seed
            self.path = path
            self.seconds = seconds
        }
    }

    /// What one run showed.
    public struct Result: Sendable {
        public var run: Run
        public var etaW: Float
        public var weightDecay: Float
        /// The target-propagation hyperparameters the run was configured with (only those of
        /// ``TargetPropagationSettings/Parameter/rules`` take part in the rule).
        public var targetPropagation: TargetPropagationSettings
        public var finalTestAccuracy: Double
        public var testAccuracyByEpoch: [Double]
        /// The last finite training loss (mean over the last epoch).
        public var finalLoss: Double
        /// cos(dW_l, -grad W_l) per level: the mean over the learning phase's snapshots and the last value.
        public var alignmentMean: [Double]
        public var alignmentFinal: [Double]
        /// Learning steps until the test accuracy first reached the target (at an epoch's end); nil: never.
        public var stepsToTarget: Int?
        public var divergedAtStep: Int?
    }

    /// One row: a rule over its seeds.
    public struct Row: Sendable {
        public var rule: String
        public var results: [Result]
        public var accuracies: [Double] { results.map(\.finalTestAccuracy) }
        public var mean: Double { accuracies.isEmpty ? 0 : SeedStatistics(accuracies).mean }
        /// Sample standard deviation over seeds; NaN for one seed (the table prints the mean alone).
        public var spread: Double { SeedStatistics(accuracies).spread }
    }

    public var rows: [Row]
    public var targetAccuracy: Double
    public var levels: Int

    /// Reads every run's file. Rows keep the order of `runs`' rules.
    public init(runs: [Run], targetAccuracy: Double) throws {
        var results = [Result]()
        for run in runs {
            let reader = try RunReader(path: run.path)
            let configuration = try SimulationConfiguration(json: reader.configurationJSON)
            guard let outcome = try reader.summary() else {
                throw StoreError("\(run.path) is not a finished run: run the comparison again to complete it")
            }
            let levels = configuration.sizes.count - 1
            let learning = try reader.phases().map { $0 == .learning }
            func learningValues(_ name: String) throws -> [Double] {
                let values = try reader.metric(name)
                return values.indices.filter { learning[$0] && values[$0].isFinite }.map { values[$0] }
            }
            let alignment = try (1...levels).map { try learningValues("alignment_bp_\($0)") }
            let loss = try learningValues("train_loss")
            let epochSteps = outcome.testAccuracyByEpoch.isEmpty ? 0
                : (outcome.steps - configuration.developmentSteps - configuration.descendingSteps) / max(outcome.testAccuracyByEpoch.count, 1)
            let reached = outcome.testAccuracyByEpoch.firstIndex { $0 >= targetAccuracy }
            results.append(Result(
                run: run, etaW: configuration.etaW, weightDecay: configuration.weightDecay,
                targetPropagation: configuration.targetPropagation,
                finalTestAccuracy: outcome.finalTestAccuracy, testAccuracyByEpoch: outcome.testAccuracyByEpoch,
                finalLoss: loss.last ?? .nan,
                alignmentMean: alignment.map { $0.isEmpty ? .nan : $0.reduce(0, +) / Double($0.count) },
                alignmentFinal: alignment.map { $0.last ?? .nan },
                stepsToTarget: reached.map { ($0 + 1) * epochSteps }, divergedAtStep: outcome.divergedAtStep))
        }
        var order = [String]()
        for run in runs where !order.contains(run.rule) { order.append(run.rule) }
        rows = order.map { rule in Row(rule: rule, results: results.filter { $0.run.rule == rule }) }
        self.targetAccuracy = targetAccuracy
        levels = results.first?.alignmentMean.count ?? 0
    }
}

// MARK: - Rendering

extension RuleComparison {
    private static func f(_ x: Double, _ digits: Int = 4) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "n/a" }
    private static func rate(_ x: Float) -> String { String(describing: x) }

    private static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }

    private func cells(_ row: Row) -> [String] {
        let r = row.results
        let diverged = r.filter { $0.divergedAtStep != nil }
        let steps: [Int] = r.compactMap(\.stepsToTarget)
        let seconds: [Double] = r.compactMap(\.run.seconds)
        var cells: [String] = [row.rule]
        cells.append(r.first.map { Self.rate($0.etaW) } ?? "")
        cells.append(r.first.map { Self.rate($0.weightDecay) } ?? "")
        cells.append(SeedStatistics.meanAndSpread(row.mean, row.spread) { Self.f($0) })
        let perSeed: [String] = r.map { Self.f($0.finalTestAccuracy) + ($0.divergedAtStep != nil ? " (diverged)" : "") }
        cells.append(perSeed.joined(separator: " / "))
        cells.append(Self.f(Self.mean(r.map(\.finalLoss))))
        for l in 0..<levels {
            let meanValue: Double = Self.mean(r.map { $0.alignmentMean[l] })
            let finalValue: Double = Self.mean(r.map { $0.alignmentFinal[l] })
            cells.append(Self.f(meanValue, 2) + " → " + Self.f(finalValue, 2))
        }
        if steps.count == r.count && !r.isEmpty {
            cells.append(String(steps.reduce(0, +) / steps.count))
        } else {
            cells.append("\(steps.count) of \(r.count) seeds")
        }
        cells.append(seconds.isEmpty ? "kept" : Self.f(Self.mean(seconds), 1))
        if diverged.isEmpty {
            cells.append("no")
        } else {
            let at: [String] = diverged.compactMap(\.divergedAtStep).map { String($0) }
            cells.append("\(diverged.count) of \(r.count) (step \(at.joined(separator: ", ")))")
        }
        return cells
    }

    private var header: [String] {
        ["rule", "eta_W", "lambda", "test accuracy (mean ± sd)", "per seed", "final loss"]
            + (1...max(levels, 1)).prefix(levels).map { "cos with bp, level \($0) (mean → final)" }
            + ["steps to \(Self.f(targetAccuracy, 2))", "wall s (mean)", "diverged"]
    }

    /// A Markdown table, bp first when present, then a line with the target-propagation rules'
    /// own hyperparameters when the comparison has one of them.
    public func markdown() -> String {
        let h = header
        var lines = ["| " + h.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: h.count)]
        for row in orderedRows { lines.append("| " + cells(row).joined(separator: " | ") + " |") }
        let own = orderedRows.compactMap { row -> String? in
            guard let r = row.results.first else { return nil }
            let used = Self.usedParameters(rule: row.rule)
            guard !used.isEmpty else { return nil }
            return row.rule + ": " + used.map { "\(Self.symbol($0)) \(Self.rate(r.targetPropagation[$0]))" }.joined(separator: ", ")
        }
        if !own.isEmpty { lines += ["", "Target-propagation hyperparameters used: " + own.joined(separator: "; ") + "."] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The target-propagation hyperparameters that take part in `rule`.
    private static func usedParameters(rule: String) -> [TargetPropagationSettings.Parameter] {
        guard let kind = RuleKind(rawValue: rule) else { return [] }
        return TargetPropagationSettings.Parameter.allCases.filter { $0.rules.contains(kind) }
    }

    private static func symbol(_ p: TargetPropagationSettings.Parameter) -> String {
        switch p {
        case .targetStep: "beta"
        case .inverseNoise: "sigma"
        case .inverseRate: "eta_inv"
        case .orthogonality: "lambda_O"
        }
    }

    /// One line per run (rule, seed, rates and the target-propagation hyperparameters it uses,
    /// numbers), for analysis elsewhere.
    public func csv() -> String {
        var lines = [(["rule", "seed", "eta_w", "weight_decay", "target_step", "inverse_noise", "inverse_rate", "orthogonality",
                       "final_test_accuracy", "final_loss"]
                      + (1...max(levels, 1)).prefix(levels).flatMap { ["alignment_bp_\($0)_mean", "alignment_bp_\($0)_final"] }
                      + ["steps_to_target", "target_accuracy", "seconds", "diverged_at_step", "file"]).joined(separator: ",")]
        for row in orderedRows {
            for r in row.results {
                var fields: [String] = [row.rule, String(r.run.seed), Self.rate(r.etaW), Self.rate(r.weightDecay)]
                // Empty where the rule does not use the hyperparameter.
                let used = Self.usedParameters(rule: row.rule)
                fields += TargetPropagationSettings.Parameter.allCases.map { used.contains($0) ? Self.rate(r.targetPropagation[$0]) : "" }
                fields += [String(r.finalTestAccuracy), String(r.finalLoss)]
                for l in 0..<levels { fields += [String(r.alignmentMean[l]), String(r.alignmentFinal[l])] }
                fields.append(r.stepsToTarget.map { String($0) } ?? "")
                fields.append(String(targetAccuracy))
                fields.append(r.run.seconds.map { String($0) } ?? "")
                fields.append(r.divergedAtStep.map { String($0) } ?? "")
                fields.append("\"" + r.run.path.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Test accuracy after each epoch, mean over seeds, one line per rule.
    public func svg() -> String {
        let palette = ["#000000", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
        let series = orderedRows.enumerated().map { i, row -> LineChart.Series in
            let epochs = row.results.map(\.testAccuracyByEpoch.count).max() ?? 0
            let points = (0..<epochs).map { e -> (x: Double, y: Double?) in
                let values = row.results.compactMap { e < $0.testAccuracyByEpoch.count ? $0.testAccuracyByEpoch[e] : nil }
                return (Double(e + 1), values.isEmpty ? nil : values.reduce(0, +) / Double(values.count))
            }
            return LineChart.Series(name: row.rule, color: palette[i % palette.count], points: points, dashed: row.rule == "circuit")
        }
        return LineChart(title: "Test accuracy by epoch, mean over seeds", xLabel: "epoch", yLabel: "test accuracy", series: series).render()
    }

    private var orderedRows: [Row] { rows.filter { $0.rule == "bp" } + rows.filter { $0.rule != "bp" } }
}
