import Foundation
import XCTest

/// Runs a Python snippet with h5py available (installed with pip when missing), as the
/// users' own tools would read the files.
enum PythonRunner {
    static func run(_ script: String, arguments: [String] = []) throws -> CommandResult {
        try runProcess(try interpreter(), ["-c", script] + arguments)
    }

    /// Starts the snippet in the background (as a notebook that holds a file open), its
    /// stdout and stderr going to the file `output`.
    static func start(_ script: String, arguments: [String] = [], output: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try interpreter())
        process.arguments = ["-c", script] + arguments
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// python3 with h5py.
    private static func interpreter() throws -> String {
        guard let python = which("python3") else { throw XCTSkip("needs python3 to check the file with h5py") }
        if try runProcess(python, ["-c", "import h5py"]).status != 0 {
            let install = try runProcess(python, ["-m", "pip", "install", "--quiet", "h5py"])
            guard install.status == 0 else {
                throw NSError(domain: "h5py", code: 1, userInfo: [NSLocalizedDescriptionKey: "pip could not install h5py: \(install.stderr)"])
            }
        }
        return python
    }

    private static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func runProcess(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        try CommandRunner.runProcess(URL(fileURLWithPath: executable), arguments)
    }
}
