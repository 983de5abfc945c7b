import Foundation
import SelfAssemble
import SelfAssembleReport
import SelfAssembleStore
import SelfAssembleTestSupport
import XCTest

/// Runs the built `selfassemble` binary as a user would.
typealias CommandResult = ProcessOutput

enum CLI {
    static var executable: URL { TestLocations.selfassemble }

    static func run(_ arguments: [String], executable: URL = CLI.executable) throws -> CommandResult {
        try ProcessRunner.run(executable, arguments)
    }

    /// Simulates a run into `path`, failing the test (with the tool's stderr) if it does not succeed.
    static func simulate(_ arguments: [String], to path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try run(["simulate", "--quiet", "--out", path] + arguments)
        // 3: learning diverged, and the file is complete (the negative control does so).
        guard result.status == 0 || result.status == 3 else {
            XCTFail("simulate failed (\(result.status)): \(result.stderr)", file: file, line: line)
            throw ReportError("simulate failed")
        }
    }
}

/// Temporary directories, all under one per-process directory removed when the tests exit.
enum Scratch {
    static let root: String = {
        let root = NSTemporaryDirectory() + "selfassemble-report-tests-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
        return root
    }()

    static func directory() throws -> String {
        let path = root + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// ../shared beside the package root (or $SELFASSEMBLE_SHARED): the digits data given to CI.
enum SharedData {
    static func digits() throws -> String {
        guard let shared = TestLocations.shared else { throw XCTSkip(TestLocations.sharedMissing) }
        return shared.appendingPathComponent("data/digits8x8").path
    }
}

/// Run files made once per test process and shared by the test classes (a digits run takes
/// about 30 s in a debug build).
final class SharedRuns: @unchecked Sendable {
    static let shared = SharedRuns()
    private let lock = NSLock()
    private var made: [String: Result<String, Error>] = [:]

    /// The run for `key`, made by `make(path)` the first time it is asked for.
    func run(_ key: String, _ make: (String) throws -> Void) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let result = made[key] { return try result.get() }
        let result = Result { () throws -> String in
            let path = try Scratch.directory() + "/\(key).h5"
            try make(path)
            return path
        }
        made[key] = result
        return try result.get()
    }

    /// The digits configuration (sizes 64,128,128,10, ratio 2, batch 32, development in two
    /// stages of 3000 and 2000 steps, 30 epochs), seed 7.
    static func digits() throws -> String {
        let data = try SharedData.digits()
        return try shared.run("digits") { try CLI.simulate(["--seed", "7", "--data", data], to: $0) }
    }

    /// The negative control: development off, V and Vbar frozen (it diverges at step 32).
    static func control() throws -> String {
        let data = try SharedData.digits()
        return try shared.run("control") {
            try CLI.simulate(["--seed", "7", "--data", data, "--development-steps", "0", "--descending-steps", "0", "--plastic", "W,Wbar"], to: $0)
        }
    }

    /// The negative control with a learning rate at which it does not diverge in 10 epochs
    /// (eta_W = 0.02 diverges at step 129: without development the top level, too, learns from
    /// a random apical input).
    static func gentleControl() throws -> String {
        let data = try SharedData.digits()
        return try shared.run("gentle-control") {
            try CLI.simulate(["--seed", "7", "--data", data, "--development-steps", "0", "--descending-steps", "0", "--plastic", "W,Wbar",
                              "--eta-w", "0.005", "--epochs", "10"], to: $0)
        }
    }

    /// A small run on the embedded synthetic task (no shared data needed): three levels,
    /// both stages of development then learning, a few seconds.
    static func small() throws -> String {
        try shared.run("small") {
            try CLI.simulate(["--seed", "3", "--sizes", "32,48,40,6", "--ratio", "2", "--development-steps", "600",
                              "--descending-steps", "400", "--epochs", "4", "--snapshot-every", "50"], to: $0)
        }
    }
}

/// A tiny run written in-process with the store's writer (no command-line tool needed):
/// sizes [8, 6, 5, 3], development in two stages of 20 and 10 steps, 2 epochs, a snapshot
/// every 5 steps.
enum TinyRun {
    /// - Parameter version1: the model of version 1 (no descending stage, the top level taught
    ///   by e), as files of earlier versions hold.
    static func write(to path: String, finish: Bool = true, snapshots limit: Int? = nil, version1: Bool = false) throws {
        var c = SimulationConfiguration()
        c.seed = 11
        c.sizes = [8, 6, 5, 3]
        c.developmentSteps = 20
        c.descendingSteps = version1 ? 0 : 10
        if version1 { c.topTeaching = .error }
        c.epochs = 2
        c.batch = 8
        c.snapshotEvery = 5
        c.probeSize = 16
        var task = GaussianClusters(features: 8, classes: 3)
        task.trainSamples = 48
        task.testSamples = 24
        var simulation = try Simulation(configuration: c, data: task.generate(seed: 11))
        let writer = try RunWriter(creating: path, metadata: try RunMetadata(simulation: simulation))
        var written = 0
        struct Enough: Error {}
        do {
            let summary = try simulation.run { event in
                if case .snapshot(let snapshot) = event {
                    if let limit, written >= limit { throw Enough() }
                    try writer.append(snapshot)
                    written += 1
                }
            }
            if finish { try writer.finish(summary: summary, comparison: nil) } else { writer.close() }
        } catch is Enough {
            writer.close()
        }
    }
}

/// Reports with few null samples where the statistics are not what is tested.
func quickOptions(samples: Int = 8) -> ReportOptions {
    var options = ReportOptions()
    options.nullSamples = samples
    return options
}

/// Asserts that `body` throws an error whose one-line description contains every fragment.
@discardableResult
func assertOneLineError(_ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> String? {
    do {
        try body()
        XCTFail("expected an error containing \(fragments), nothing was thrown", file: file, line: line)
        return nil
    } catch {
        let message = "\(error)"
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "'\(message)' does not contain '\(fragment)'", file: file, line: line)
        }
        XCTAssertFalse(message.contains("\n"), "the message is not one line: \(message)", file: file, line: line)
        return message
    }
}
