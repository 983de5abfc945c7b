import Foundation
import SelfAssemble

/// Shows a run as it goes: a live line on a terminal, plain lines otherwise, JSON lines for
/// scripts, or nothing. The summary at the end is printed in every mode.
final class ProgressReporter {
    enum Mode { case live, plain, json, quiet }

    let mode: Mode
    private var lastLive = Date.distantPast
    private var liveLineShown = false
    private var reciprocalSteps = 0
    private var developmentSteps = 0
    private var totalSteps = 0

    init(mode: Mode) { self.mode = mode }

    static func make(json: Bool, quiet: Bool) -> ProgressReporter {
        if json { return ProgressReporter(mode: .json) }
        if quiet { return ProgressReporter(mode: .quiet) }
        return ProgressReporter(mode: Terminal.standardErrorIsTerminal ? .live : .plain)
    }

    /// Announces the run; `warnings` (about the data) are shown in every mode, on stderr or,
    /// with --json, as "warning" events.
    func begin(configuration c: SimulationConfiguration, data: DataSplit, outputPath: String, totalSteps: Int, resumedFrom: Int?,
               warnings: [String] = []) {
        reciprocalSteps = c.developmentSteps
        developmentSteps = c.developmentSteps + c.descendingSteps
        self.totalSteps = totalSteps
        for warning in warnings { warn(warning) }
        switch mode {
        case .quiet: return
        case .json:
            JSONLine.emit(["event": "start", "seed": c.seed, "sizes": c.sizes, "ratios": c.ratios, "rule": c.rule.rawValue,
                           "data": data.description, "out": outputPath, "total_steps": totalSteps,
                           "development_steps": c.developmentSteps, "descending_steps": c.descendingSteps, "epochs": c.epochs, "resumed_from_step": resumedFrom as Any])
        case .live, .plain:
            // Only rules that use the motif have development (SimulationConfiguration.withDevelopmentOnlyForMotif).
            let stages = c.rule.usesMotif ? " (development: \(c.developmentSteps) reciprocal + \(c.descendingSteps) descending)" : " of learning"
            Terminal.standardError("selfassemble \(SelfAssembleVersion.string): seed \(c.seed), sizes \(c.sizes.map(String.init).joined(separator: ",")), rule \(c.rule.rawValue), \(totalSteps) steps" + stages)
            Terminal.standardError("data: \(data.description)")
            if let resumedFrom { Terminal.standardError("continuing \(outputPath) from step \(resumedFrom)") }
        }
    }

    /// A warning, shown in every mode: on stderr or, with --json, as a "warning" event.
    func warn(_ warning: String) {
        if mode == .json {
            JSONLine.emit(["event": "warning", "message": warning])
        } else {
            Terminal.standardError("selfassemble: warning: " + warning)
        }
    }

    func report(_ event: SimulationEvent, run: String) {
        switch (mode, event) {
        case (.quiet, _):
            return
        case (.json, .progress):
            return
        case (.json, _):
            JSONLine.emit(ProgressText.json(event, run: run))
        case (.live, .progress(let p)):
            let now = Date()
            guard now.timeIntervalSince(lastLive) >= 0.1 || p.step == p.totalSteps else { return }
            lastLive = now
            let line = ProgressText.line(p, run: run)
            Terminal.standardErrorRaw("\r\u{1B}[2K" + String(line.prefix(max(20, Terminal.standardErrorColumns - 1))))
            liveLineShown = true
        case (_, .progress):
            return
        case (.live, .assembled), (.plain, .assembled), (.live, .diverged), (.plain, .diverged):
            clearLiveLine()
            Terminal.standardError(ProgressText.event(event, run: run))
        case (.plain, .epochEnded):
            Terminal.standardError(ProgressText.event(event, run: run))
        case (.plain, .snapshot(let s)) where s.phase.isDevelopment && shouldPrintDevelopment(s.step):
            Terminal.standardError(ProgressText.event(event, run: run))
        default:
            return
        }
    }

    func finish(_ outcome: SimulationOutcome) {
        clearLiveLine()
        if mode == .json {
            JSONLine.emit(ProgressText.summaryJSON(outcome))
        } else {
            for line in ProgressText.summary(outcome) { Terminal.standardOutput(line) }
        }
    }

    private func clearLiveLine() {
        if liveLineShown {
            Terminal.standardErrorRaw("\r\u{1B}[2K")
            liveLineShown = false
        }
    }

    /// About ten lines over development, and the last step of each stage.
    private func shouldPrintDevelopment(_ step: Int) -> Bool {
        guard developmentSteps > 0 else { return false }
        let every = max(1, developmentSteps / 10)
        return step % every == 0 || step == reciprocalSteps || step == developmentSteps
    }
}
