import Foundation
import XCTest

/// Runs a Python snippet with h5py available (installed with pip when missing), as the
/// users' own tools would read the files.
enum PythonRunner {
    static func run(_ script: String, arguments: [String] = []) throws -> CommandResult {
        guard let python = which("python3") else { throw XCTSkip("needs python3 to check the file with h5py") }
        if try runProcess(python, ["-c", "import h5py"]).status != 0 {
            let install = try runProcess(python, ["-m", "pip", "install", "--quiet", "h5py"])
            guard install.status == 0 else {
                throw NSError(domain: "h5py", code: 1, userInfo: [NSLocalizedDescriptionKey: "pip could not install h5py: \(install.stderr)"])
            }
        }
        return try runProcess(python, ["-c", script] + arguments)
    }

    private static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func runProcess(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CommandResult(status: process.terminationStatus,
                             stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                             stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
