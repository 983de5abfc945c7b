import Foundation
import SelfAssemble

/// Reading and writing connectome files (YAML). The format is described in
/// docs/connectome-format.md; the shipped definitions are in Connectomes/.
public enum ConnectomeFile {
    /// Reads, parses and validates the file at `path`.
    ///
    /// A relative `data.path` in the file is resolved against the file's directory.
    /// - Parameter requireData: whether `data.path` must exist. Pass false when the data are
    ///   overridden anyway (e.g. `--data` on the command line) or the file is only listed.
    /// - Throws: ``ConnectomeError``, one line naming the file, the field and the problem.
    public static func load(path: String, requireData: Bool = true) throws -> Connectome {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConnectomeError(source: path, problem: "no such file; pass a connectome file (.yaml) or the name of a shipped one (see 'selfassemble connectomes')")
        }
        guard !isDirectory.boolValue else {
            throw ConnectomeError(source: path, problem: "is a directory; pass a connectome file (.yaml) in it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConnectomeError(source: path, problem: "cannot be read (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConnectomeError(source: path, problem: "is not UTF-8 text; a connectome is a YAML text file")
        }
        let url = URL(fileURLWithPath: path)
        return try parse(text, source: path, baseDirectory: url.deletingLastPathComponent().standardizedFileURL.path,
                         requireData: requireData, defaultName: url.deletingPathExtension().lastPathComponent)
    }

    /// Parses and validates connectome text.
    /// - Parameters:
    ///   - source: how errors name the text (usually the file's path).
    ///   - baseDirectory: the directory a relative `data.path` is resolved against; nil keeps
    ///     it relative (to the working directory of whoever loads the data).
    ///   - requireData: whether `data.path` must exist.
    ///   - defaultName: the connectome's name when the text has no `name` field.
    public static func parse(_ text: String, source: String, baseDirectory: String?, requireData: Bool = true,
                             defaultName: String = "connectome") throws -> Connectome {
        try ConnectomeParser(source: source, baseDirectory: baseDirectory, requireData: requireData, defaultName: defaultName)
            .parse(text)
    }

    /// The connectome as YAML with every field given: what a run file should store, and
    /// what `parse` reads back to the same configuration.
    public static func render(_ connectome: Connectome) -> String {
        ConnectomeRenderer.render(connectome)
    }

    /// Writes ``render(_:)`` to `path`.
    public static func write(_ connectome: Connectome, to path: String) throws {
        do {
            try render(connectome).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw ConnectomeError(source: path, problem: "cannot be written: \(error.localizedDescription)")
        }
    }
}
