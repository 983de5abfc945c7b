import Foundation

/// Where the test suites find what they run against: the built `selfassemble` binary, the
/// package's own directories, and the shared data beside the checkout. One place, so that every
/// suite looks the same way and honours the same environment variables.
public enum TestLocations {
    /// $SELFASSEMBLE_BIN, else the `selfassemble` executable SwiftPM built beside the test
    /// bundle (it builds every product before testing).
    public static var selfassemble: URL {
        if let path = ProcessInfo.processInfo.environment["SELFASSEMBLE_BIN"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("selfassemble")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "selfassemble")
    }

    /// The package's top directory (this file is Tests/Support/TestLocations.swift).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// $SELFASSEMBLE_SHARED, else `../shared` beside the checkout when it holds the digits data;
    /// nil in a user's clone, where the tests that need it skip.
    public static var shared: URL? {
        if let path = ProcessInfo.processInfo.environment["SELFASSEMBLE_SHARED"] { return URL(fileURLWithPath: path) }
        let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: shared.appendingPathComponent("data/digits8x8").path) ? shared : nil
    }

    /// The message of a test skipped for want of the shared data.
    public static let sharedMissing = "needs ../shared/data/digits8x8 (given to CI)"
}
