import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// A tiny but real run: sizes [8, 6, 5, 3] (three levels, so every projection kind and the
/// descending metric occur), 20 development steps and 2 epochs of 6 batches, a snapshot
/// every 5 steps. Takes well under a second.
enum TinyRun {
    static func configuration(seed: UInt64 = 11, rule: RuleKind = .circuit, thresholds: AssemblyThresholds = AssemblyThresholds()) -> SimulationConfiguration {
        var c = SimulationConfiguration()
        c.seed = seed
        c.sizes = [8, 6, 5, 3]
        c.ratios = [2]
        c.rule = rule
        c.developmentSteps = 20
        c.descendingSteps = 10
        c.epochs = 2
        c.batch = 8
        c.snapshotEvery = 5
        c.probeSize = 16
        c.thresholds = thresholds
        return c.withDevelopmentOnlyForMotif()
    }

    /// The synthetic task, normalized as asked (z-scored: /data holds statistics of its own).
    static func data(seed: UInt64 = 11, normalization: Normalization = .none) -> DataSplit {
        var task = GaussianClusters(features: 8, classes: 3)
        task.trainSamples = 48
        task.testSamples = 24
        return try! task.generate(seed: seed).normalized(normalization)
    }

    /// Thresholds every finite metric passes, so that every level assembles at step 0:
    /// onsets that are not all -1 get written and read back.
    static let permissive = AssemblyThresholds(reciprocity: -2, descending: -2, alignmentH: -2, consecutive: 2)

    struct Recorded {
        var snapshots: [Snapshot]
        var summary: SimulationSummary
        var comparison: SimulationSummary?
        var tunedComparison: TunedBackprop?
        var metadata: RunMetadata
    }

    /// Runs the tiny simulation with a RunWriter on its events, as the command-line tool does.
    /// - Parameter finish: call `finish` (with a bp comparison run when `compare`); when false the
    ///   writer is only closed, as after an interrupted run.
    /// - Parameter tunedWeightDecay: with `compare`, also a bp run at this weight decay, stored
    ///   as bp at its best weight decay of the grid [0, this] (/comparison/bp_tuned).
    @discardableResult
    static func write(to path: String, thresholds: AssemblyThresholds = AssemblyThresholds(), compare: Bool = true,
                      finish: Bool = true, compressionLevel: Int = 4, tunedWeightDecay: Float? = nil,
                      normalization: Normalization = .none, rule: RuleKind = .circuit) throws -> Recorded {
        let data = data(normalization: normalization)
        var simulation = try Simulation(configuration: configuration(rule: rule, thresholds: thresholds), data: data)
        let metadata = try RunMetadata(simulation: simulation)
        let writer = try RunWriter(creating: path, metadata: metadata, compressionLevel: compressionLevel)
        var snapshots = [Snapshot]()
        let summary = try simulation.run { event in
            if case .snapshot(let snapshot) = event {
                snapshots.append(snapshot)
                try writer.append(snapshot)
            }
        }
        var comparison: SimulationSummary? = nil
        if compare {
            var bp = try Simulation(configuration: configuration(rule: .bp), data: data)
            comparison = try bp.run()
        }
        var tuned: TunedBackprop? = nil
        if compare, let lambda = tunedWeightDecay {
            var c = configuration(rule: .bp)
            c.weightDecay = lambda
            var bp = try Simulation(configuration: c, data: data)
            tuned = TunedBackprop(weightDecay: lambda, grid: [0, lambda], summary: try bp.run())
        }
        if finish {
            try writer.finish(summary: summary, comparison: comparison, tunedComparison: tuned)
        } else {
            writer.close()
        }
        return Recorded(snapshots: snapshots, summary: summary, comparison: comparison, tunedComparison: tuned, metadata: metadata)
    }
}

/// A fresh directory per test, removed afterwards.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "selfassemble-store-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Bit patterns, so that equality means bit-for-bit (and NaN equals NaN).
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

/// Asserts that `body` throws a StoreError whose message contains every fragment, and
/// returns the message.
@discardableResult
func assertStoreError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> String? {
    do {
        try body()
        XCTFail("expected a StoreError containing \(fragments), nothing was thrown", file: file, line: line)
        return nil
    } catch let error as StoreError {
        for fragment in fragments {
            XCTAssertTrue(error.message.contains(fragment), "'\(error.message)' does not contain '\(fragment)'", file: file, line: line)
        }
        XCTAssertFalse(error.message.contains("\n"), "the message is not one line: \(error.message)", file: file, line: line)
        return error.message
    } catch {
        XCTFail("expected a StoreError, got \(type(of: error)): \(error)", file: file, line: line)
        return nil
    }
}
