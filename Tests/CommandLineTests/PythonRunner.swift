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
        try CommandRunner.runProcess(URL(fileURLWithPath: executable), arguments)
    }
}
