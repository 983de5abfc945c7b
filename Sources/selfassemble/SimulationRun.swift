import Foundation
import SelfAssemble
import SelfAssembleData
import SelfAssembleStore

/// What a finished `simulate` reports.
struct SimulationOutcome {
    var configuration: SimulationConfiguration
    var dataDescription: String
    var outputPath: String
    var summary: SimulationSummary
    var comparison: SimulationSummary?
    var seconds: Double
}

/// One `simulate` from resolved configuration to a finished run file: loads the data, checks
/// everything that can be checked before the file is created, runs the circuit (and the
/// backpropagation comparison), and removes the file again if anything fails on the way,
/// so a failed run never leaves a half-written file behind.
struct SimulationRun {
    let configuration: SimulationConfiguration
    let outputPath: String
    let compareBackprop: Bool
    let reporter: ProgressReporter

    init(configuration: SimulationConfiguration, outputPath: String, compareBackprop: Bool, reporter: ProgressReporter) throws {
        self.configuration = configuration
        self.outputPath = outputPath
        self.compareBackprop = compareBackprop
        self.reporter = reporter
    }

    func execute() throws -> SimulationOutcome {
        let started = Date()
        BLAS.setThreads(configuration.threads)
        let data = try loadData()
        var simulation = try Simulation(configuration: configuration, data: data)
        let metadata = RunMetadata(
            configurationJSON: try configurationJSON(), seed: configuration.seed,
            dataDescription: data.description, architecture: simulation.architecture,
            thresholds: configuration.thresholds)
        let writer = try RunWriter(creating: outputPath, metadata: metadata)
        do {
            reporter.begin(configuration: configuration, data: data, outputPath: outputPath, totalSteps: simulation.totalSteps)
            let summary = try simulation.run { event in
                if case .snapshot(let snapshot) = event { try writer.append(snapshot) }
                reporter.report(event, run: "circuit")
            }
            var comparison: SimulationSummary? = nil
            if compareBackprop {
                var bp = configuration
                bp.rule = .bp
                bp.developmentSteps = 0
                var reference = try Simulation(configuration: bp, data: data)
                comparison = try reference.run { event in reporter.report(event, run: "bp") }
            }
            try writer.finish(summary: summary, comparison: comparison)
            return SimulationOutcome(configuration: configuration, dataDescription: data.description, outputPath: outputPath,
                                     summary: summary, comparison: comparison, seconds: Date().timeIntervalSince(started))
        } catch {
            writer.close()
            try? FileManager.default.removeItem(atPath: outputPath)
            throw error
        }
    }

    /// The embedded synthetic task, or the data set at `configuration.data`.
    private func loadData() throws -> DataSplit {
        guard let path = configuration.data else {
            return GaussianClusters(features: configuration.sizes.first!, classes: configuration.sizes.last!)
                .generate(seed: configuration.seed)
        }
        return try DataLoader.load(path: path, testFraction: configuration.testFraction, seed: configuration.seed)
    }

    private func configurationJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(configuration), as: UTF8.self)
    }
}
