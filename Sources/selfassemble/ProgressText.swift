import Foundation
import SelfAssemble

/// The words and numbers of progress output, shared by the live line, plain lines and JSON.
enum ProgressText {
    static func f(_ x: Double, _ digits: Int = 3) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : "-"
    }

    /// Per level: reciprocity, descending (from level 2) and alignment_H.
    static func motif(_ levels: [LevelMotifMetrics]) -> String {
        levels.map { m in
            var s = "L\(m.level) rec \(f(m.reciprocity, 2))"
            if let d = m.descending { s += " desc \(f(d, 2))" }
            return s + " alH \(f(m.alignmentH, 2))"
        }.joined(separator: " | ")
    }

    static func line(_ p: SimulationProgress, run: String) -> String {
        var s = "[\(run)] \(p.phase.rawValue) step \(p.step)/\(p.totalSteps)"
        if p.phase == .learning {
            s += " epoch \(p.epoch)/\(p.epochs) loss \(f(p.trainLoss)) acc \(f(p.trainAccuracy)) test \(f(p.latestTestAccuracy))"
        }
        if !p.latestMotif.isEmpty && run != RuleKind.bp.rawValue { s += " | " + motif(p.latestMotif) }
        return s
    }

    static func event(_ event: SimulationEvent, run: String) -> String {
        switch event {
        case .assembled(let level, let onset):
            return "[\(run)] level \(level): motif assembled (onset at step \(onset))"
        case .epochEnded(let epoch, let loss, let acc, let test):
            return "[\(run)] learning epoch \(epoch) loss \(f(loss)) train \(f(acc)) test \(f(test))"
        case .snapshot(let s):
            return "[\(run)] \(s.phase.rawValue) step \(s.step) | " + motif(s.motif)
        case .diverged(let step, let cause):
            let what = if case .development = cause { "development" } else { "learning" }
            return "[\(run)] \(what) diverged at step \(step): \(Self.cause(cause)); the run stops here"
        case .progress(let p):
            return line(p, run: run)
        }
    }

    /// What made a step diverge, in words.
    static func cause(_ cause: DivergenceCause) -> String {
        switch cause {
        case .notFinite:
            return "the loss or the update was not finite, or would have made a weight overflow"
        case .feedbackLearning(let projection):
            return "the rule's learned feedback \(projection) would have overflowed (not W's update)"
        case .development(let stage, let largest):
            return "the \(stage.rawValue) of development made the weights overflow (largest \(String(format: "%.3g", Double(largest))))"
        case .runaway(let loss, let bound):
            return "its minibatch loss \(String(format: "%.4g", loss)) ran away past \(String(format: "%.4g", bound)) (\(String(format: "%g", DivergenceCheck.runawayFactor)) times the loss of chance)"
        }
    }

    static func levelJSON(_ m: LevelMotifMetrics) -> [String: Any] {
        ["level": m.level, "reciprocity": m.reciprocity, "descending": m.descending as Any,
         "alignment_H": m.alignmentH, "alignment_bp": m.alignmentBP,
         "H_eig_min": m.spectrum.smallest, "H_eig_max": m.spectrum.largest,
         "H_effective_rank": m.spectrum.effectiveRank]
    }

    static func json(_ event: SimulationEvent, run: String) -> [String: Any] {
        switch event {
        case .assembled(let level, let onset):
            return ["event": "assembled", "run": run, "level": level, "onset_step": onset]
        case .epochEnded(let epoch, let loss, let acc, let test):
            return ["event": "epoch", "run": run, "epoch": epoch, "train_loss": loss, "train_accuracy": acc, "test_accuracy": test]
        case .snapshot(let s):
            return ["event": "snapshot", "run": run, "step": s.step, "phase": s.phase.rawValue, "epoch": s.epoch,
                    "train_loss": s.trainLoss, "train_accuracy": s.trainAccuracy, "test_accuracy": s.testAccuracy,
                    "levels": s.motif.map(levelJSON)]
        case .diverged(let step, let cause):
            var object: [String: Any] = ["event": "diverged", "run": run, "step": step, "cause": Self.cause(cause)]
            if case .runaway(let loss, let bound) = cause {
                object["loss"] = loss
                object["runaway_bound"] = bound
            }
            return object
        case .progress(let p):
            return ["event": "progress", "run": run, "step": p.step, "total_steps": p.totalSteps, "phase": p.phase.rawValue]
        }
    }

    static func summary(_ o: SimulationOutcome) -> [String] {
        let c = o.configuration
        var lines = ["run finished in \(f(o.seconds, 1)) s: \(o.outputPath)"
                     + (o.resumedFromStep.map { " (continued from step \($0))" } ?? "")]
        lines.append("  snapshots: \(o.snapshots) in the file; written in \(f(o.storeWriteSeconds, 2)) s beside the run, which waited \(f(o.storeWaitSeconds, 2)) s for them (\(f(100 * o.storeWaitSeconds / max(o.seconds, 1e-9), 1))%)")
        lines.append("  data: \(o.dataDescription)")
        lines.append("  classes present in the training split: \(classes(o.classesPresent))")
        if o.summary.rule == .bp {
            lines.append("  bp test accuracy: \(f(o.summary.finalTestAccuracy))" + backpropDetails(o.summary, epochs: c.epochs))
        } else {
            lines.append("  \(o.summary.rule.rawValue) test accuracy: \(f(o.summary.finalTestAccuracy))")
        }
        if let step = o.summary.divergedAtStep {
            lines.append("  " + divergence(rule: o.summary.rule, step: step, lossBefore: o.lossBeforeDivergence, cause: o.summary.divergenceCause, configuration: c))
        }
        if let bp = o.comparison {
            let gap = (o.summary.finalTestAccuracy - bp.finalTestAccuracy) * 100
            lines.append("  bp test accuracy: \(f(bp.finalTestAccuracy)) (same network, data, seed and budget; difference \(String(format: "%+.1f", gap)) points)")
            if let step = bp.divergedAtStep {
                let reference = BackpropReference.configuration(matching: c)
                lines.append("  bp " + divergence(rule: .bp, step: step, lossBefore: o.comparisonLossBeforeDivergence, cause: bp.divergenceCause, configuration: reference))
            }
        }
        if let tuned = o.tunedComparison {
            let gap = (o.summary.finalTestAccuracy - tuned.summary.finalTestAccuracy) * 100
            let grid = tuned.grid.map { String(format: "%g", $0) }.joined(separator: ", ")
            lines.append("  bp at its best weight decay: \(f(tuned.summary.finalTestAccuracy)) (lambda \(String(format: "%g", tuned.weightDecay)) of \(grid); difference \(String(format: "%+.1f", gap)) points)")
        }
        if o.summary.rule == .bp {
            // bp trains W and b with the exact gradient; V, Vbar and Wbar take no part, so
            // whether they form the motif says nothing about this run's learning.
            lines.append("  motif: not reported for exact backpropagation (it trains W and b alone; V, Vbar, Wbar take no part); the metrics are in the file")
            return lines
        }
        if !o.summary.rule.usesMotif {
            // No development and no motif: what says how such a rule learns is how closely its
            // update follows backpropagation's.
            let alignment = o.summary.finalMotif.map { "level \($0.level) \(f($0.alignmentBP))" }.joined(separator: ", ")
            lines.append("  motif: not reported for \(o.summary.rule.rawValue) (it trains W and b through its own feedback; V, Vbar, Wbar take no part); the metrics are in the file")
            lines.append("  alignment_bp at the end (cosine of its update with backpropagation's): \(alignment)")
            return lines
        }
        lines.append("  motif assembly (thresholds: reciprocity \(c.thresholds.reciprocity), descending \(c.thresholds.descending), alignment_H \(c.thresholds.alignmentH), \(c.thresholds.consecutive) snapshots):")
        for m in o.summary.finalMotif {
            let i = m.level - 1
            let state: String
            if let onset = o.summary.onsets[i] {
                state = "assembled at step \(onset), during \(o.configuration.phase(ofRecordedStep: onset).words)"
            } else {
                state = "not assembled (\(o.summary.shortfalls[i] ?? "no snapshot"))"
            }
            var metrics = ["reciprocity \(f(m.reciprocity))"]
            if let d = m.descending { metrics.append("descending \(f(d))") }
            metrics += ["alignment_H \(f(m.alignmentH))", "alignment_bp \(f(m.alignmentBP))",
                        "H effective rank \(f(m.spectrum.effectiveRank, 1))"]
            lines.append("    level \(m.level): \(state); at the end " + metrics.joined(separator: ", "))
        }
        return lines
    }

    /// Class numbers: "0 to 9 (10 classes)" when they run from 0 without a gap, else listed.
    static func classes(_ present: [Int]) -> String {
        if let last = present.last, present == Array(0...last) {
            return "\(present.count == 1 ? "0" : "0 to \(last)") (\(present.count) class\(present.count == 1 ? "" : "es"))"
        }
        return present.map(String.init).joined(separator: ", ") + " (\(present.count) classes)"
    }

    /// What a bp run's summary says beside its test accuracy: training accuracy and the best
    /// epoch (a bp run is judged by how well and how fast it fits).
    private static func backpropDetails(_ s: SimulationSummary, epochs: Int) -> String {
        var parts: [String] = []
        if s.finalTrainAccuracy.isFinite { parts.append("train \(f(s.finalTrainAccuracy))") }
        if let best = s.testAccuracyByEpoch.indices.max(by: { s.testAccuracyByEpoch[$0] < s.testAccuracyByEpoch[$1] }) {
            parts.append("best test \(f(s.testAccuracyByEpoch[best])) after epoch \(best + 1) of \(epochs)")
        }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }

    /// Why learning diverged, as far as the run shows: a circuit without development (Vbar
    /// never became V^T, so its update does not follow the gradient), or else a learning rate
    /// too large for this network; with the step and the training loss just before.
    private static func rate(_ x: Float) -> String { String(format: "%g", Double(x)) }

    /// The summary's line on a divergence: where, what diverged and which options to change.
    /// The cause (``DivergenceCause``) says what: development's stage (its rate), the rule's
    /// learned feedback (its own hyperparameters) or the update of W (eta_W, with the options
    /// that shape that rule's update); nil (a run continued after it diverged) is read as W's.
    static func divergence(rule: RuleKind, step: Int, lossBefore: Double?, cause: DivergenceCause?,
                           configuration c: SimulationConfiguration) -> String {
        if case .development(let stage, let largest) = cause {
            let advice = stage == .reciprocalStage
                ? "lower the reciprocal stage's rate (a connectome's development.rate, now \(rate(c.developmentRate)))"
                : "lower --descending-rate (now \(rate(c.descendingRate))) or raise --descending-decay (now \(rate(c.descendingDecay)))"
            let what = step == c.developmentSteps + c.descendingSteps
                ? "the weights it left (largest |W| \(String(format: "%.3g", Double(largest)))) make the first learning step's activities overflow"
                : "a step would have made its weights overflow (largest \(String(format: "%.3g", Double(largest))))"
            return "development diverged in the \(stage.rawValue) (step \(step)) and the run stopped there: \(what); \(advice)"
        }
        let before = lossBefore.map { " (training loss \(String(format: "%.4g", $0)) before it)" }
            ?? (step == c.developmentSteps + c.descendingSteps ? " (at the first learning step)" : "")
        let head = "learning diverged at step \(step)\(before) and the run stopped there: "
        if case .feedbackLearning(let projection) = cause {
            return head + "rule \(rule.rawValue)'s learned feedback \(projection) would have overflowed; " + feedbackAdvice(rule: rule, configuration: c)
        }
        if rule == .circuit && c.developmentSteps == 0 {
            let off = c.descendingSteps == 0 ? "development was off (--development-steps 0 --descending-steps 0)"
                : "the reciprocal stage of development was off (--development-steps 0)"
            return head + off + ", so Vbar never became the transpose of V and the circuit's update does not follow the gradient; give --development-steps steps (default \(SimulationConfiguration().developmentSteps))"
        }
        if let (values, options) = updateOptions(rule: rule, configuration: c) {
            return head + "one of eta_W = \(rate(c.etaW)), \(values) is too large for this circuit; lower --eta-w or \(options)"
        }
        let rates = rule == .circuit && c.etaV > 0 && c.plastic.contains(.V)
            ? "eta_W = \(rate(c.etaW)) or eta_V = \(rate(c.etaV)) is too large for this circuit; lower --eta-w or --eta-v"
            : "eta_W = \(rate(c.etaW)) is too large for \(rule == .bp ? "backpropagation on this network" : "this circuit"); lower --eta-w"
        return head + rates
    }

    /// The options of a rule's feedback learning (``DivergenceCause/feedbackLearning(projection:)``).
    private static func feedbackAdvice(rule: RuleKind, configuration c: SimulationConfiguration) -> String {
        switch rule {
        case .kolenPollack:
            return "B_l learns with W's update, so lower --eta-w (now \(rate(c.etaW)))"
        default:
            return "lower --inverse-rate (now \(rate(c.inverseRate))) or --inverse-noise (now \(rate(c.inverseNoise))), which the learned inverses learn with"
        }
    }

    /// The rule's own options that shape W's update besides eta_W, in words and as options:
    /// GAIT-prop's regulariser, target propagation's step and learned inverses (through which
    /// its updates pass); nil for rules without such options.
    private static func updateOptions(rule: RuleKind, configuration c: SimulationConfiguration) -> (values: String, options: String)? {
        switch rule {
        case .gaitProp:
            return ("lambda_O = \(rate(c.orthogonality)) (GAIT-prop's orthogonality regulariser on W)", "--orthogonality")
        case .dtp, .dtpSkip:
            return ("beta = \(rate(c.targetStep)) or the learned inverses' eta_inv = \(rate(c.inverseRate)), sigma = \(rate(c.inverseNoise)) (through which its updates pass)",
                    "--target-step, --inverse-rate or --inverse-noise")
        default:
            return nil
        }
    }

    static func summaryJSON(_ o: SimulationOutcome) -> [String: Any] {
        var object: [String: Any] = [
            "event": "summary", "out": o.outputPath, "seconds": o.seconds, "store_wait_seconds": o.storeWaitSeconds, "store_write_seconds": o.storeWriteSeconds,
            "snapshots": o.snapshots, "resumed_from_step": o.resumedFromStep as Any, "rule": o.summary.rule.rawValue,
            "test_accuracy": o.summary.finalTestAccuracy, "steps": o.summary.steps,
            "onset_steps": o.summary.onsets.map { $0 as Any },
            "levels": o.summary.finalMotif.map(levelJSON),
        ]
        object["train_accuracy"] = o.summary.finalTrainAccuracy
        object["classes_present"] = o.classesPresent
        if let bp = o.comparison {
            object["bp_test_accuracy"] = bp.finalTestAccuracy
            object["bp_diverged_at_step"] = bp.divergedAtStep as Any
        }
        if let tuned = o.tunedComparison {
            object["bp_tuned_test_accuracy"] = tuned.summary.finalTestAccuracy
            object["bp_tuned_weight_decay"] = Double(tuned.weightDecay)
        }
        object["diverged_at_step"] = o.summary.divergedAtStep as Any
        if let step = o.summary.divergedAtStep {
            object["divergence"] = divergence(rule: o.summary.rule, step: step, lossBefore: o.lossBeforeDivergence, cause: o.summary.divergenceCause, configuration: o.configuration)
        }
        return object
    }
}
