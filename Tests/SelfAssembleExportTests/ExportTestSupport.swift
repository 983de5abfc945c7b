import Foundation
import SelfAssemble
import SelfAssembleStore
import SelfAssembleTestSupport
import XCTest

/// A tiny but real run to export: sizes [8, 6, 5, 3] (three levels, so every projection kind
/// occurs, Wbar at two levels), 20 development steps and 2 epochs, a snapshot every 5 steps.
enum ExportFixture {
    static func configuration(sizes: [Int] = [8, 6, 5, 3], rule: RuleKind = .circuit) -> SimulationConfiguration {
        var c = SimulationConfiguration()
        c.rule = rule
        c.seed = 5
        c.sizes = sizes
        c.ratios = [2]
        c.developmentSteps = 20
        c.descendingSteps = 10
        c.epochs = 2
        c.batch = 8
        c.snapshotEvery = 5
        c.probeSize = 16
        return c.withDevelopmentOnlyForMotif()
    }

    /// Writes a finished run to `path` and returns the snapshots it stored.
    @discardableResult
    static func writeRun(to path: String, sizes: [Int] = [8, 6, 5, 3], rule: RuleKind = .circuit) throws -> [Snapshot] {
        var task = GaussianClusters(features: sizes[0], classes: sizes.last!)
        task.trainSamples = 48
        task.testSamples = 24
        var simulation = try Simulation(configuration: configuration(sizes: sizes, rule: rule), data: task.generate(seed: 5))
        let writer = try RunWriter(creating: path, metadata: try RunMetadata(simulation: simulation))
        var snapshots = [Snapshot]()
        let summary = try simulation.run { event in
            if case .snapshot(let snapshot) = event {
                snapshots.append(snapshot)
                try writer.append(snapshot)
            }
        }
        try writer.finish(summary: summary, comparison: nil)
        return snapshots
    }
}

/// A fresh directory per test, removed afterwards.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "selfassemble-export-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Names in the directory (hidden ones included), sorted.
    func contents() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Asserts that `body` throws an error whose one-line description contains every fragment.
@discardableResult
func assertOneLineError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> String? {
    do {
        try body()
        XCTFail("expected an error containing \(fragments), nothing was thrown", file: file, line: line)
        return nil
    } catch {
        let message = String(describing: error)
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "'\(message)' does not contain '\(fragment)'", file: file, line: line)
        }
        XCTAssertFalse(message.contains("\n"), "the message is not one line: \(message)", file: file, line: line)
        return message
    }
}

/// Running programs (python3, the selfassemble binary) from the tests; output goes through
/// files so that a large output cannot fill a pipe and block the child.
enum Program {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> Result {
        let capture = try ScratchDirectory()
        let out = capture.file("stdout"), err = capture.file("stderr")
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    static var selfassemble: String { TestLocations.selfassemble.path }

    /// python3 on PATH with libsonata and h5py importable, installing them with pip when
    /// missing. Skips only when python3 is absent or pip cannot install them (and says so).
    static func pythonWithLibsonata() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let python = path.split(separator: ":").map({ "\($0)/python3" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("python3 is not installed: the libsonata test needs it (install python3, then `python3 -m pip install libsonata h5py`)")
        }
        for package in ["libsonata", "h5py"] {
            if try run(python, ["-c", "import \(package)"]).status == 0 { continue }
            let install = try run(python, ["-m", "pip", "install", "--quiet", package])
            guard install.status == 0, try run(python, ["-c", "import \(package)"]).status == 0 else {
                throw XCTSkip("\(package) is not importable and `python3 -m pip install --quiet \(package)` failed (no network or no pip?): \(install.stderr.suffix(300))")
            }
        }
        return python
    }
}
