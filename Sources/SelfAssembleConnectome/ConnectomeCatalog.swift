import Foundation
import SelfAssemble

/// The shipped circuit definitions: the `.yaml` files of a `Connectomes/` directory.
///
/// The command-line tool has to find that directory wherever it is run from, so
/// ``locate(override:environment:executablePath:currentDirectory:)`` looks, in order, at an
/// explicit directory (`--dir`), `$SELFASSEMBLE_CONNECTOMES`, and a `Connectomes/` holding a
/// README.md in the executable's directory or any directory above it (a build inside the
/// package), then in the working directory or above it.
public struct ConnectomeCatalog: Sendable {
    /// One listed file.
    public struct Entry: Equatable, Sendable {
        /// The connectome's `name` (the file's name without extension when it has none).
        public var name: String
        /// The file's name, e.g. `digits.yaml`.
        public var file: String
        /// The file's full path.
        public var path: String
        public var description: String
        /// The parsed definition (its data path not checked); nil when the file does not parse.
        public var configuration: SimulationConfiguration?
        /// Why the file does not parse, if it does not (the entry is still listed).
        public var error: String?
    }

    public static let environmentVariable = "SELFASSEMBLE_CONNECTOMES"
    public static let extensions: Set<String> = ["yaml", "yml"]

    /// The directory holding the definitions.
    public let directory: String

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL.path
    }

    /// Finds the Connectomes/ directory (see the type's description).
    /// - Throws: ``ConnectomeError`` naming where it looked, when nothing is found, or when
    ///   `override` or the environment variable names a directory that does not exist.
    public static func locate(override: String? = nil,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              executablePath: String? = Bundle.main.executablePath,
                              currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> ConnectomeCatalog {
        if let override {
            guard isDirectory(override) else {
                throw ConnectomeError(source: override, problem: "is not a directory; --dir takes the directory holding the connectome files")
            }
            return ConnectomeCatalog(directory: override)
        }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            guard isDirectory(fromEnvironment) else {
                throw ConnectomeError(source: fromEnvironment, problem: "is not a directory, but $\(environmentVariable) names it; point it at the Connectomes directory or unset it")
            }
            return ConnectomeCatalog(directory: fromEnvironment)
        }
        var starts: [String] = []
        if let executablePath {
            starts.append(URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent().path)
        }
        starts.append(currentDirectory)
        for start in starts {
            if let found = search(upFrom: start) { return ConnectomeCatalog(directory: found) }
        }
        throw ConnectomeError(source: "Connectomes/", problem: "not found (looked for a Connectomes/ holding a README.md in \(starts.joined(separator: " and ")) and every directory above); pass --dir PATH or set $\(environmentVariable)")
    }

    /// The first `Connectomes/` (with a README.md) in `start` or a directory above it.
    static func search(upFrom start: String) -> String? {
        var url = URL(fileURLWithPath: start, isDirectory: true).standardizedFileURL
        while true {
            let candidate = url.appendingPathComponent("Connectomes", isDirectory: true)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) {
                return candidate.path
            }
            let parent = url.deletingLastPathComponent().standardizedFileURL
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    /// The definition files, sorted by file name.
    public func files() throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConnectomeError(source: directory, problem: "cannot be listed: \(error.localizedDescription)")
        }
        return names.filter { Self.extensions.contains(URL(fileURLWithPath: $0).pathExtension) }.sorted()
    }

    /// Every definition with its name and description. Files are parsed without requiring
    /// their data to exist (a clone without ../shared still lists the digits circuits).
    public func entries() throws -> [Entry] {
        try files().map { file in
            let path = URL(fileURLWithPath: directory).appendingPathComponent(file).path
            let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            do {
                let connectome = try ConnectomeFile.load(path: path, requireData: false)
                return Entry(name: connectome.name, file: file, path: path, description: connectome.description,
                             configuration: connectome.configuration)
            } catch {
                return Entry(name: stem, file: file, path: path, description: "", configuration: nil, error: "\(error)")
            }
        }
    }

    /// The path of the definition called `name`: a file `name.yaml` (or `.yml`), or a file
    /// whose `name` field is `name`.
    public func path(named name: String) throws -> String? {
        for ext in ["yaml", "yml"] {
            let path = URL(fileURLWithPath: directory).appendingPathComponent("\(name).\(ext)").path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return try entries().first { $0.name == name && $0.error == nil }?.path
    }

    /// What `--connectome ARG` means: an existing file `ARG`, else the shipped definition
    /// named `ARG` (e.g. `digits` for Connectomes/digits.yaml).
    /// - Parameter catalog: where to look up names; nil locates Connectomes/ as ``locate(override:environment:executablePath:currentDirectory:)`` does.
    /// - Throws: ``ConnectomeError`` saying the file does not exist, or listing the known names.
    public static func resolve(nameOrPath: String, catalog: ConnectomeCatalog? = nil) throws -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDir), !isDir.boolValue {
            return nameOrPath
        }
        let looksLikePath = nameOrPath.contains("/") || extensions.contains(URL(fileURLWithPath: nameOrPath).pathExtension)
        if looksLikePath {
            throw ConnectomeError(source: nameOrPath, problem: isDir.boolValue
                ? "is a directory; pass a connectome file (.yaml)"
                : "no such file; pass a connectome file or the name of a shipped one (see 'selfassemble connectomes')")
        }
        let shipped: ConnectomeCatalog
        do {
            shipped = try catalog ?? locate()
        } catch let error as ConnectomeError {
            throw ConnectomeError(source: nameOrPath, problem: "no such file, and no shipped connectome can be looked up: \(error.problem)")
        }
        if let path = try shipped.path(named: nameOrPath) { return path }
        let known = try shipped.entries().map(\.name)
        var problem = "no such file, and no connectome of that name in \(shipped.directory)"
        if let near = Schema.nearest(to: nameOrPath, in: known) { problem += "; did you mean '\(near)'?" }
        problem += " (shipped: \(known.joined(separator: ", ")))"
        throw ConnectomeError(source: nameOrPath, problem: problem)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}
