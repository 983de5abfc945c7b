import Foundation
import SelfAssemble
import SelfAssembleConnectome
import SelfAssembleData

/// A sweep's grid expanded into runs: every combination of the axes' values (the first axis
/// varies slowest) applied to each base connectome, each a ``PlannedRun`` in DIR/runs/ whose
/// file name says its parameters (`ratio-7.5_seed-1.h5`), so that a sweep run again with the
/// same grid finds its earlier runs.
struct SweepPlan {
    var manifest: SweepManifest
    var runs: [PlannedRun]

    /// - Parameters:
    ///   - bases: the base connectomes with the text that named each (a path or a shipped name).
    ///   - directory: the sweep's --out directory.
    /// - Throws: ``GridError`` for a grid point that is not a valid circuit.
    init(bases: [(given: String, connectome: Connectome)], axes: [GridAxis], directory: String) throws {
        var manifestAxes = [SweepManifest.Axis]()
        // The connectome axis tells runs apart by the connectomes' names: two bases of one name
        // would be pooled as one by `collect`.
        var seen = [String: String]()
        for base in bases {
            if let first = seen.updateValue(base.given, forKey: base.connectome.name) {
                throw ConfigurationError(first == base.given
                    ? "--connectome \(first) is given twice: give each base circuit once"
                    : "--connectome \(first) and \(base.given) are both named '\(base.connectome.name)': the runs and the tables tell base circuits apart by name; give each file its own name: field")
            }
        }
        if bases.count > 1 {
            manifestAxes.append(.init(field: "connectome", parameter: "connectome", values: bases.map(\.connectome.name)))
        }
        let shortNames = axes.map(\.shortName)
        for axis in axes {
            let unique = shortNames.filter { $0 == axis.shortName }.count == 1
            manifestAxes.append(.init(field: axis.field, parameter: unique ? axis.shortName : axis.field, values: axis.values))
        }
        var combinations: [[String]] = [[]]
        for axis in axes { combinations = combinations.flatMap { prefix in axis.values.map { prefix + [$0] } } }

        var runs = [PlannedRun](), entries = [SweepManifest.Run](), names = Set<String>()
        for base in bases {
            for values in combinations {
                var parameters = [(String, String)]()
                if bases.count > 1 { parameters.append(("connectome", base.connectome.name)) }
                parameters += zip(manifestAxes.suffix(axes.count).map(\.parameter), values).map { ($0, $1) }
                // Axes of one value are settings of every run: not part of names and labels.
                let varying = parameters.filter { name, _ in manifestAxes.first { $0.parameter == name }!.values.count > 1 }
                let spec = varying.map { "\($0)=\($1)" }.joined(separator: " ")
                var connectome = try ConnectomeOverride.apply(zip(axes.map(\.field), values).map { (field: $0, value: $1) },
                                                              to: base.connectome,
                                                              spec: parameters.map { "\($0)=\($1)" }.joined(separator: " "))
                var configuration = connectome.configuration
                configuration.normalization = configuration.normalization ?? DataLoader.defaultNormalization(path: configuration.data)
                connectome.configuration = configuration
                var name = varying.isEmpty ? "run" : varying.map { "\(Self.fileNamePart($0))-\(Self.fileNamePart($1))" }.joined(separator: "_")
                if !names.insert(name).inserted {
                    name += "_\(runs.count)"
                    names.insert(name)
                }
                let output = "runs/\(name).h5"
                runs.append(PlannedRun(label: spec.isEmpty ? name : spec, configuration: configuration,
                                       outputPath: (directory as NSString).appendingPathComponent(output)))
                entries.append(.init(index: entries.count, label: spec.isEmpty ? name : spec,
                                     parameters: Dictionary(parameters, uniquingKeysWith: { _, last in last }),
                                     definition: "runs/\(name).yaml", output: output))
            }
        }
        manifest = SweepManifest(connectomes: bases.map(\.given), axes: manifestAxes, runs: entries)
        self.runs = runs
    }

    /// This plan in the order of `existing`, a manifest of the same sweep
    /// (``SweepManifest/isSameSweep(as:)``) with its values listed in another order: the runs
    /// keep the indices they have there (a Slurm array already submitted counts on them).
    func ordered(as existing: SweepManifest) -> SweepPlan {
        let position = Dictionary(manifest.runs.enumerated().map { ($1.output, $0) }, uniquingKeysWith: { first, _ in first })
        var plan = self
        plan.manifest = existing
        plan.runs = existing.runs.sorted { $0.index < $1.index }.map { runs[position[$0.output]!] }
        return plan
    }

    /// A value as part of a file name: `[W, Vbar]` -> `W+Vbar`, `1e-3` stays; anything but
    /// letters, digits, `.`, `+` and `-` becomes `-`.
    static func fileNamePart(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        let joined = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "+")
        let mapped = String(joined.map { $0.isLetter || $0.isNumber || ".+-".contains($0) ? $0 : "-" })
        return mapped.isEmpty ? "none" : mapped
    }
}
