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
        if !p.latestMotif.isEmpty { s += " | " + motif(p.latestMotif) }
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
        case .diverged(let step):
            return "[\(run)] learning diverged at step \(step): the update was not finite; the run stops here"
        case .progress(let p):
            return line(p, run: run)
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
        case .diverged(let step):
            return ["event": "diverged", "run": run, "step": step]
        case .progress(let p):
            return ["event": "progress", "run": run, "step": p.step, "total_steps": p.totalSteps, "phase": p.phase.rawValue]
        }
    }

    static func summary(_ o: SimulationOutcome) -> [String] {
        var lines = ["run finished in \(f(o.seconds, 1)) s: \(o.outputPath)"
                     + (o.resumedFromStep.map { " (continued from step \($0))" } ?? "")]
        lines.append("  snapshots: \(o.snapshots) in the file; written in \(f(o.storeWriteSeconds, 2)) s beside the run, which waited \(f(o.storeWaitSeconds, 2)) s for them (\(f(100 * o.storeWaitSeconds / max(o.seconds, 1e-9), 1))%)")
        lines.append("  data: \(o.dataDescription)")
        lines.append("  \(o.summary.rule.rawValue) test accuracy: \(f(o.summary.finalTestAccuracy))")
        if let step = o.summary.divergedAtStep {
            lines.append("  learning diverged at step \(step) and the run stopped there (without development the circuit cannot learn)")
        }
        if let bp = o.comparison {
            let gap = (o.summary.finalTestAccuracy - bp.finalTestAccuracy) * 100
            lines.append("  bp test accuracy: \(f(bp.finalTestAccuracy)) (same network, data, seed and budget; difference \(String(format: "%+.1f", gap)) points)")
        }
        if let tuned = o.tunedComparison {
            let gap = (o.summary.finalTestAccuracy - tuned.summary.finalTestAccuracy) * 100
            let grid = tuned.grid.map { String(format: "%g", $0) }.joined(separator: ", ")
            lines.append("  bp at its best weight decay: \(f(tuned.summary.finalTestAccuracy)) (lambda \(String(format: "%g", tuned.weightDecay)) of \(grid); difference \(String(format: "%+.1f", gap)) points)")
        }
        lines.append("  motif assembly (thresholds: reciprocity \(o.configuration.thresholds.reciprocity), descending \(o.configuration.thresholds.descending), alignment_H \(o.configuration.thresholds.alignmentH), \(o.configuration.thresholds.consecutive) snapshots):")
        for m in o.summary.finalMotif {
            let i = m.level - 1
            let state: String
            if let onset = o.summary.onsets[i] {
                state = "assembled at step \(onset)"
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

    static func summaryJSON(_ o: SimulationOutcome) -> [String: Any] {
        var object: [String: Any] = [
            "event": "summary", "out": o.outputPath, "seconds": o.seconds, "store_wait_seconds": o.storeWaitSeconds, "store_write_seconds": o.storeWriteSeconds,
            "snapshots": o.snapshots, "resumed_from_step": o.resumedFromStep as Any, "rule": o.summary.rule.rawValue,
            "test_accuracy": o.summary.finalTestAccuracy, "steps": o.summary.steps,
            "onset_steps": o.summary.onsets.map { $0 as Any },
            "levels": o.summary.finalMotif.map(levelJSON),
        ]
        if let bp = o.comparison { object["bp_test_accuracy"] = bp.finalTestAccuracy }
        if let tuned = o.tunedComparison {
            object["bp_tuned_test_accuracy"] = tuned.summary.finalTestAccuracy
            object["bp_tuned_weight_decay"] = Double(tuned.weightDecay)
        }
        object["diverged_at_step"] = o.summary.divergedAtStep as Any
        return object
    }
}
