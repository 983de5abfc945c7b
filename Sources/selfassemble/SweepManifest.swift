import Foundation
import SelfAssemble

/// The list of a sweep's runs, written to DIR/manifest.json (read back by `sweep --task` and
/// `collect`) and DIR/manifest.csv (for people and spreadsheets). Paths are relative to DIR,
/// so a sweep directory can be moved or copied to a cluster as a whole.
struct SweepManifest: Codable, Equatable {
    struct Axis: Codable, Equatable {
        /// The connectome field's path, e.g. `learning.eta_w`; `connectome` for the base files.
        var field: String
        /// The column name in the manifest and the tables, e.g. `eta_w`.
        var parameter: String
        var values: [String]
    }

    struct Run: Codable, Equatable {
        var index: Int
        var label: String
        /// Parameter name -> value (YAML text), one per axis.
        var parameters: [String: String]
        /// The resolved connectome file of the run, relative to DIR.
        var definition: String
        /// The HDF5 run file, relative to DIR.
        var output: String
    }

    static let formatName = "selfassemble sweep manifest"
    static let fileName = "manifest.json"

    var format = SweepManifest.formatName
    var version = 1
    var software = SelfAssembleVersion.string
    /// The base connectome files (as given).
    var connectomes: [String]
    var axes: [Axis]
    var runs: [Run]

    var parameterNames: [String] { axes.map(\.parameter) }

    /// True when `other` is the same sweep: the same axes (fields, names and values) and the
    /// same runs (parameters, definition and run files), whatever the order of each axis's
    /// values and so of the runs (`seed=2,1` is the sweep of `seed=1,2`). The order of the axes
    /// themselves names the run files, so it is part of the identity.
    func isSameSweep(as other: SweepManifest) -> Bool {
        func axisKeys(_ m: SweepManifest) -> [String] { m.axes.map { "\($0.field) \($0.parameter)" } }
        func runsByFile(_ m: SweepManifest) -> [String: Run] {
            Dictionary(m.runs.map { run in var r = run; r.index = 0; return (r.output, r) }, uniquingKeysWith: { first, _ in first })
        }
        return axisKeys(self) == axisKeys(other) && zip(axes, other.axes).allSatisfy { Set($0.values) == Set($1.values) }
            && runs.count == other.runs.count && runsByFile(self) == runsByFile(other)
    }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    func csv() -> String {
        var lines = [(["index"] + parameterNames + ["output", "definition"]).map(Self.csvField).joined(separator: ",")]
        for run in runs {
            let fields = [String(run.index)] + parameterNames.map { run.parameters[$0] ?? "" } + [run.output, run.definition]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Reads DIR/manifest.json.
    /// - Throws: ``ConfigurationError`` naming the file and the fix.
    static func read(directory: String) throws -> SweepManifest {
        let path = (directory as NSString).appendingPathComponent(fileName)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError("\(directory) is not a directory: give the --out directory of a `selfassemble sweep`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(path) does not exist: \(directory) is not a sweep directory; run `selfassemble sweep ... --out \(directory)` (or --emit slurm) first")
        }
        let manifest: SweepManifest
        do {
            manifest = try JSONDecoder().decode(SweepManifest.self, from: data)
        } catch {
            throw ConfigurationError("\(path) is not a sweep manifest (\(error.localizedDescription)): write it again with the same `selfassemble sweep` command")
        }
        guard manifest.format == formatName, manifest.version == 1 else {
            throw ConfigurationError("\(path) is a \(manifest.format) version \(manifest.version); this selfassemble reads \(formatName) version 1: write it again with this version's `selfassemble sweep`")
        }
        return manifest
    }

    /// Writes manifest.json and manifest.csv into `directory`, each atomically.
    func write(directory: String) throws {
        let dir = directory as NSString
        do {
            try json().write(to: URL(fileURLWithPath: dir.appendingPathComponent(Self.fileName)), options: .atomic)
            try csv().write(toFile: dir.appendingPathComponent("manifest.csv"), atomically: true, encoding: .utf8)
        } catch {
            throw ConfigurationError("cannot write the manifest in \(directory): \(error.localizedDescription); check that it is writable and the disk is not full")
        }
    }
}
