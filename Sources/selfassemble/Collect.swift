import ArgumentParser
import Foundation
import SelfAssemble
import SelfAssembleReport

/// `selfassemble collect DIR`: the table of a sweep.
struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read every run of a sweep and write one table (mean and spread over seeds) and a plot.",
        discussion: """
            Reads DIR/manifest.json (written by 'selfassemble sweep') and every run file it lists; runs \
            with the same parameters except the seed form one row. Writes DIR/summary.md, summary.csv and \
            summary.h5 (/summary: one row per parameter combination; /runs: one row per run) and \
            DIR/<metric>-vs-<parameter>.svg, and prints the Markdown table. Runs not complete yet are \
            listed, not counted. Quantities: test_accuracy, every metric of the run file by name (its last \
            value, e.g. train_loss, alignment_H_1, reciprocity_2) and onset_l (assembly onset step of level l).
            """)

    @Argument(help: ArgumentHelp("The sweep's directory (its --out).", valueName: "dir"))
    var directory: String

    @Option(help: ArgumentHelp("The quantity to plot.", valueName: "name"))
    var metric: String = "test_accuracy"

    @Option(help: ArgumentHelp("The parameter on the plot's x axis (default: the first one other than the seed that takes more than one value).", valueName: "parameter"))
    var against: String?

    @Option(help: ArgumentHelp("Only the runs whose parameter has one of these values, e.g. downstream_activation=identity,tanh; repeat for more parameters. The files written are named after the selection.", valueName: "parameter=values"))
    var `where`: [String] = []

    func run() throws {
        let manifest = try SweepManifest.read(directory: directory)
        let dir = directory as NSString
        let seed = manifest.axes.first { $0.field == "seed" }?.parameter
        var selected = manifest.runs, suffix = ""
        for condition in `where` {
            let parts = condition.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let axis = manifest.axes.first(where: { $0.parameter == parts[0] }) else {
                throw ValidationError("--where takes PARAMETER=VALUES with a parameter of this sweep (\(manifest.parameterNames.joined(separator: ", "))); got '\(condition)'")
            }
            let values = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for value in values where !axis.values.contains(value) {
                throw ValidationError("--where \(condition): \(axis.parameter) has no value '\(value)' in this sweep; its values are \(axis.values.joined(separator: ", "))")
            }
            selected = selected.filter { values.contains($0.parameters[axis.parameter] ?? "") }
            suffix += "-" + SweepPlan.fileNamePart(axis.parameter) + "-" + values.map(SweepPlan.fileNamePart).joined(separator: "+")
        }
        let table = SweepTable(parameters: manifest.parameterNames, seedParameter: seed,
                               runs: selected.map { SweepTable.Run(parameters: $0.parameters, path: dir.appendingPathComponent($0.output)) })
        guard !table.groups.isEmpty else {
            throw ConfigurationError("no run of \(directory) is complete yet (\(table.missing.count) listed in its manifest): run the sweep first, e.g. `selfassemble sweep ... --out \(directory)` again, or wait for its Slurm array")
        }
        guard table.quantities.contains(metric) else {
            throw ValidationError("--metric \(metric) is not a quantity of these runs; use one of \(table.quantities.joined(separator: ", "))")
        }
        // By default the first parameter that takes more than one value in the table (none: no plot).
        let parameter = against ?? table.groupParameters.first { p in Set(table.groups.map { $0.parameters[p] ?? "" }).count > 1 }
        if against != nil && table.groupParameters.isEmpty {
            throw ValidationError("--against \(against!): this sweep varies only the seed, so there is no parameter to plot against; run collect without --against")
        }
        if let parameter, !table.groupParameters.contains(parameter) {
            throw ValidationError("--against \(parameter) is not a parameter of this sweep other than the seed; use one of \(table.groupParameters.joined(separator: ", "))")
        }
        let markdown = table.markdown()
        do {
            try markdown.write(toFile: dir.appendingPathComponent("summary\(suffix).md"), atomically: true, encoding: .utf8)
            try table.csv().write(toFile: dir.appendingPathComponent("summary\(suffix).csv"), atomically: true, encoding: .utf8)
        } catch {
            throw ConfigurationError("cannot write the tables in \(directory): \(error.localizedDescription); check that it is writable and the disk is not full")
        }
        try table.writeHDF5(path: dir.appendingPathComponent("summary\(suffix).h5"))
        var written = ["md", "csv", "h5"].map { "summary\(suffix).\($0)" }
        if let parameter {
            let name = "\(metric)-vs-\(SweepPlan.fileNamePart(parameter))\(suffix).svg"
            try table.svg(quantity: metric, against: parameter).write(toFile: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            written.append(name)
        }
        print(markdown, terminator: "")
        print("wrote \(written.joined(separator: ", ")) in \(directory)")
    }
}
