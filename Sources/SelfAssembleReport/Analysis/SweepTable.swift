import Foundation
import SelfAssemble
import SelfAssembleStore

/// `selfassemble collect`'s table: every run of a sweep read back from its file, grouped by
/// its parameters other than the seed, with each quantity's mean and spread over the seeds.
///
/// The spread is the sample standard deviation (n - 1 in the denominator; 0 for one seed).
/// Quantities per run: the final test accuracy (/summary), the last finite value of every
/// stored metric (/metrics, e.g. `reciprocity_2`, `train_loss`), and the assembly onset step
/// per level (/assembly/onset_step; the mean is over the seeds where the motif assembled, and
/// `assembled_l` counts them). docs/reproduction.md shows tables made with it.
public struct SweepTable: Sendable {
    /// One run of the sweep: its parameters (name -> value as text) and its run file.
    public struct Run: Sendable {
        public var parameters: [String: String]
        public var path: String
        public init(parameters: [String: String], path: String) {
            self.parameters = parameters
            self.path = path
        }
    }

    /// A run's values, by quantity name (`test_accuracy`, `train_loss`, `alignment_H_1`, `onset_2`, ...).
    public struct Result: Sendable {
        public var run: Run
        public var values: [String: Double]
        public var divergedAtStep: Int?
    }

    /// Runs of the same parameters (seed aside).
    public struct Group: Sendable {
        public var parameters: [String: String]
        public var results: [Result]

        public func values(_ quantity: String) -> [Double] { results.compactMap { $0.values[quantity] }.filter(\.isFinite) }
        public func statistics(_ quantity: String) -> SeedStatistics { SeedStatistics(values(quantity)) }
    }

    /// The parameter names in the manifest's order; `seedParameter` is left out of the groups.
    public var parameters: [String]
    public var seedParameter: String?
    /// Quantity names, in the order of the first run's file (test accuracy first).
    public var quantities: [String]
    /// Levels of the deepest circuit (onset columns).
    public var levels: Int
    public var groups: [Group]
    /// Runs whose file is missing or not complete, with the reason.
    public var missing: [(run: Run, reason: String)]

    /// The parameters that tell groups apart.
    public var groupParameters: [String] { parameters.filter { $0 != seedParameter } }

    /// Reads every run file. A run whose file is absent or unfinished is listed in ``missing``
    /// rather than failing the whole table (a sweep may be collected while it runs).
    public init(parameters: [String], seedParameter: String?, runs: [Run]) {
        self.parameters = parameters
        self.seedParameter = seedParameter
        var quantities = ["test_accuracy"], levels = 0, results = [Result](), missing = [(run: Run, reason: String)]()
        for run in runs {
            do {
                guard FileManager.default.fileExists(atPath: run.path) else { throw StoreError("not run yet (no file)") }
                let reader = try RunReader(path: run.path)
                guard reader.isComplete, let outcome = try reader.summary() else { throw StoreError("not complete (\(reader.status))") }
                var values = ["test_accuracy": outcome.finalTestAccuracy]
                for name in try reader.metricNames() where name != "test_accuracy" {
                    values[name] = try reader.metric(name).last(where: \.isFinite) ?? .nan
                    if !quantities.contains(name) { quantities.append(name) }
                }
                let onsets = try reader.onsets()
                levels = max(levels, onsets.count)
                for (l, onset) in onsets.enumerated() {
                    values["onset_\(l + 1)"] = onset.map(Double.init) ?? .nan
                    values["assembled_\(l + 1)"] = onset == nil ? 0 : 1
                }
                results.append(Result(run: run, values: values, divergedAtStep: outcome.divergedAtStep))
            } catch {
                missing.append((run, String(describing: error)))
            }
        }
        quantities += (0..<levels).flatMap { ["onset_\($0 + 1)", "assembled_\($0 + 1)"] }
        self.quantities = quantities
        self.levels = levels
        self.missing = missing
        let groupParameters = parameters.filter { $0 != seedParameter }
        var keys = [[String]](), byKey = [[String]: [Result]]()
        for result in results {
            let key = groupParameters.map { result.run.parameters[$0] ?? "" }
            if byKey[key] == nil { keys.append(key) }
            byKey[key, default: []].append(result)
        }
        groups = keys.map { key in
            Group(parameters: Dictionary(zip(groupParameters, key).map { ($0, $1) }, uniquingKeysWith: { a, _ in a }), results: byKey[key]!)
        }
    }
}

/// Mean and spread of one quantity over seeds.
public struct SeedStatistics: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    /// Sample standard deviation (n - 1); NaN for one value or none (a single seed has no
    /// spread to estimate: tables print its value alone, an empty sd in CSV).
    public var spread: Double
    public var minimum: Double
    public var maximum: Double

    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        let m = mean
        spread = values.count < 2 ? .nan
            : (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        minimum = values.min() ?? .nan
        maximum = values.max() ?? .nan
    }
}

extension SeedStatistics {
    /// "0.9750 ± 0.0031" with `format` for each number; the mean alone where there is no
    /// spread (one seed).
    static func meanAndSpread(_ mean: Double, _ spread: Double, _ format: (Double) -> String) -> String {
        spread.isFinite ? format(mean) + " ± " + format(spread) : format(mean)
    }
}
