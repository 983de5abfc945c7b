import Foundation
import SelfAssemble
import SelfAssembleExport
import SelfAssembleReport
import SelfAssembleStore

/// The readers of run files (HDF5), one target per command that reads one: inspect,
/// validate, export, report and simulate --resume. Each input is written to a file and
/// opened by path, as the commands do.
enum RunFileTargets {
    static let corpus = ["Fuzz/corpus/run"]
    static let fileName = "input.h5"

    /// Writes the input where the readers will open it. The screen's time limit is cut from
    /// 30 s to 3 s: walking the corpus's files takes milliseconds, and an input on which HDF5
    /// hangs should cost a fuzzing run little.
    static func write(_ input: [UInt8], _ probe: FuzzProbe) throws -> String {
        HDF5Screen.timeLimit = 3
        return try probe.scratch.write(input, to: fileName)
    }

    static let inspect = FuzzTarget(
        name: "inspect", reads: "a run file as `selfassemble inspect` reads it (RunInspection, its text and JSON)",
        corpus: corpus, isRunFile: true
    ) { input, probe in
        let path = try write(input, probe)
        guard let inspection = try probe.check("RunInspection", accepting: [StoreError.self], { try RunInspection(path: path) }) else { return }
        _ = inspection.text()
        try probe.check("RunInspection.json", accepting: [StoreError.self]) { try inspection.json() }
    }

    static let validate = FuzzTarget(
        name: "validate", reads: "a run file as `selfassemble validate` reads it (RunValidator.report)",
        corpus: corpus, isRunFile: true
    ) { input, probe in
        let path = try write(input, probe)
        guard let report = try probe.check("RunValidator.report", accepting: [StoreError.self], { try RunValidator.report(path: path) }) else { return }
        for violation in report.errors + report.warnings {
            try probe.require(!violation.message.isEmpty && !violation.description.contains(where: \.isNewline),
                              "RunValidator.report", "a violation that is not one non-empty line: \(violation.description.debugDescription)")
        }
        _ = report.summaryLine
    }

    static let export = FuzzTarget(
        name: "export", reads: "a run file as `selfassemble export` reads it, both formats (CircuitExporter)",
        corpus: corpus, isRunFile: true
    ) { input, probe in
        let path = try write(input, probe)
        for format in ExportFormat.allCases {
            let request = ExportRequest(runPath: path, format: format, snapshot: .last,
                                        outputDirectory: probe.scratch.path("export-\(format.rawValue)"), overwrite: true)
            try probe.check("CircuitExporter.export (\(format.rawValue))", accepting: [ExportError.self, StoreError.self]) {
                try CircuitExporter.export(request)
            }
        }
    }

    static let report = FuzzTarget(
        name: "report", reads: "a run file as `selfassemble report` reads it (MotifReport.make and every renderer)",
        corpus: corpus, isRunFile: true
    ) { input, probe in
        let path = try write(input, probe)
        var options = ReportOptions()
        options.nullSamples = 2
        options.heatmapMaxCells = 8
        guard let report = try probe.check("MotifReport.make", accepting: [ReportError.self, StoreError.self], {
            try MotifReport.make(from: try RunReader(path: path), options: options)
        }) else { return }
        let figures = ReportFigures.make(report)
        _ = MarkdownRenderer.render(report, figures: figures)
        _ = TerminalSummary.text(report)
        try probe.check("ReportJSON.encode", accepting: [ReportError.self]) { try ReportJSON.encode(report) }
    }

    /// What `simulate --resume` does before it writes: the resume point, then the simulation
    /// rebuilt from it (the corpus's runs use the synthetic task, so no data file is needed),
    /// then a few steps.
    static let resume = FuzzTarget(
        name: "resume", reads: "a run file as `selfassemble simulate --resume` reads it (RunReader.resumePoint, then the simulation continued from it)",
        corpus: corpus, isRunFile: true
    ) { input, probe in
        let path = try write(input, probe)
        guard let point = try probe.check("RunReader.resumePoint", accepting: [StoreError.self], {
            try RunReader(path: path).resumePoint()
        }), point.configuration.data == nil else { return }
        let data = GaussianClusters.task(for: point.configuration)
        guard var simulation = try probe.check("Simulation(resumingFrom:)", accepting: [ConfigurationError.self], {
            try Simulation(configuration: point.configuration, data: data, resumingFrom: point.checkpoint, circuit: point.circuit)
        }) else { return }
        for _ in 0 ..< 3 where !simulation.isFinished {
            try probe.check("Simulation.advance", accepting: [ConfigurationError.self]) { try simulation.advance { _ in } }
        }
    }
}
