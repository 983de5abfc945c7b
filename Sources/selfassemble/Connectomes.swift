import ArgumentParser
import Foundation
import SelfAssembleConnectome

/// `selfassemble connectomes`: lists the circuit definitions shipped in Connectomes/, one line
/// each, so a user can pick one for `simulate --connectome NAME`.
struct Connectomes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the circuit definitions shipped in Connectomes/.",
        discussion: """
            Looks for the directory in --dir, then $SELFASSEMBLE_CONNECTOMES, then a Connectomes/ (with a README.md) \
            beside the executable or above it, then in the working directory or above it. Run one with \
            'selfassemble simulate --connectome NAME'; the format is in docs/connectome-format.md.
            """)

    @Option(help: ArgumentHelp("The directory of connectome files (default: found as described above).", valueName: "path"))
    var dir: String?

    @Flag(help: "Print one JSON object: the directory and, per file, name, file, path, description, sizes (and error).")
    var json = false

    func run() throws {
        let catalog = try ConnectomeCatalog.locate(override: dir)
        let entries = try catalog.entries()
        if json {
            Terminal.standardOutput(JSONLine.encode(["directory": catalog.directory, "connectomes": entries.map(object)]))
        } else {
            Terminal.standardOutput("Connectomes in \(catalog.directory) (run one: selfassemble simulate --connectome NAME)")
            let nameWidth = entries.map(\.name.count).max() ?? 0
            let fileWidth = entries.map(\.file.count).max() ?? 0
            for e in entries {
                let text = e.error.map { "does not parse: \($0)" } ?? e.description
                Terminal.standardOutput("  " + pad(e.name, nameWidth) + "  " + pad(e.file, fileWidth) + "  " + text)
            }
        }
        let broken = entries.filter { $0.error != nil }
        if !broken.isEmpty {
            throw ConnectomeError(source: catalog.directory, problem: "files that do not parse (\(broken.count) of \(entries.count)): \(broken.map(\.file).joined(separator: ", ")); fix or remove them")
        }
    }

    private func object(_ e: ConnectomeCatalog.Entry) -> [String: Any] {
        var o: [String: Any] = ["name": e.name, "file": e.file, "path": e.path, "description": e.description]
        if let c = e.configuration {
            o["sizes"] = c.sizes
            if let names = c.levelNames { o["level_names"] = names }
        }
        if let error = e.error { o["error"] = error }
        return o
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
