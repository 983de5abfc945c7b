import Foundation
import SelfAssembleTestSupport
import XCTest

typealias CommandResult = ProcessOutput

/// Runs the built `selfassemble` binary as a user would, capturing its output.
enum CommandRunner {
    static var executable: URL { TestLocations.selfassemble }

    /// The exit statuses of a `simulate` that completed its file: 0, or 3 when learning
    /// diverged and the run stopped there (a short development can let it run away).
    static let completed: Set<Int32> = [0, 3]

    static func run(_ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
        try runProcess(executable, arguments, in: directory)
    }

    /// Runs any program to the end and captures its output.
    static func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
        try ProcessRunner.run(executable, arguments, in: directory)
    }

    /// Starts `selfassemble simulate` in the background, quiet, writing `path`, and returns once
    /// the run file exists (or the run has already ended).
    static func startWriting(_ path: String, _ arguments: [String]) throws -> Process {
        let simulate = Process()
        simulate.executableURL = executable
        simulate.arguments = ["simulate"] + arguments + ["--quiet", "--out", path]
        simulate.standardOutput = FileHandle.nullDevice
        simulate.standardError = FileHandle.nullDevice
        try simulate.run()
        while !FileManager.default.fileExists(atPath: path) && simulate.isRunning { usleep(10_000) }
        return simulate
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

    /// The bytes of an IDX file of unsigned bytes (sizes below 65,536), written by hand.
    static func idx(_ dimensions: [Int], _ values: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for d in dimensions { bytes += [0, 0, UInt8(d >> 8), UInt8(d & 0xFF)] }
        return Data(bytes + values)
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
