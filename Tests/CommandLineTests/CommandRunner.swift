import Foundation
import SelfAssembleTestSupport
import XCTest

/// Runs the built `selfassemble` binary as a user would, capturing its output.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String

    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
}

enum CommandRunner {
    static var executable: URL { TestLocations.selfassemble }

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
        try runProcess(executable, arguments, in: directory)
    }

    /// Runs any program to the end and captures its output.
    static func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        // Output goes to files, so a full pipe can never block the process.
        let capture = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: capture) }
        let outURL = capture.appendingPathComponent("stdout"), errURL = capture.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                             stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("selfassemble-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func sharedDirectory() -> URL? { TestLocations.shared }

    static func digitsDirectory() throws -> URL {
        guard let shared = sharedDirectory() else {
            throw XCTSkip(TestLocations.sharedMissing)
        }
        return shared.appendingPathComponent("data/digits8x8")
    }

    /// The JSON lines of a `--json` run.
    static func jsonLines(_ result: CommandResult) throws -> [[String: Any]] {
        try result.stdoutLines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw NSError(domain: "json", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a JSON object: \(line)"])
            }
            return object
        }
    }
}
