import Foundation
import SelfAssembleStore
import XCTest

/// Issue 5, through the command: `simulate --connectome` runs a definition, options override
/// single fields, the run file stores the resolved definition and running that reproduces the
/// run; every shipped definition runs.
final class ConnectomeCommandTests: XCTestCase {
    private var dir: URL!
    private let connectomes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Connectomes")

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func testTheStoredDefinitionReproducesTheRun() throws {
        let first = path("first.h5"), second = path("second.h5"), definition = path("stored.yaml")
        let run = try CommandRunner.run(["simulate", "--connectome", "default", "--sizes", "16,20,8", "--development-steps", "80", "--descending-steps", "40",
                                         "--epochs", "2", "--batch", "16", "--snapshot-every", "30", "--seed", "4", "--quiet",
                                         "--out", first])
        XCTAssertTrue(CommandRunner.completed.contains(run.status), run.stderr)
        do {
            let stored = try XCTUnwrap(try RunReader(path: first).connectome())
            XCTAssertTrue(stored.contains("seed: 4"), stored)
            XCTAssertTrue(stored.contains("epochs: 2"), stored)
            try stored.write(toFile: definition, atomically: true, encoding: .utf8)
        }
        let again = try CommandRunner.run(["simulate", "--connectome", definition, "--quiet", "--out", second])
        XCTAssertEqual(again.status, run.status, again.stderr)
        let a = try RunReader(path: first), b = try RunReader(path: second)
        XCTAssertEqual(a.configurationJSON, b.configurationJSON)
        XCTAssertEqual(try a.steps(), try b.steps())
        for name in try a.projectionNames() {
            XCTAssertEqual(try a.weights(name, snapshot: a.snapshotCount - 1), try b.weights(name, snapshot: b.snapshotCount - 1), name)
        }
        XCTAssertEqual(try a.metric("reciprocity_2"), try b.metric("reciprocity_2"))
    }

    func testOptionsOverrideSingleFieldsOfAShippedDefinition() throws {
        let digits = try CommandRunner.digitsDirectory()
        let out = path("digits.h5")
        let run = try CommandRunner.run(["simulate", "--connectome", connectomes.appendingPathComponent("digits.yaml").path,
                                         "--data", digits.path, "--epochs", "1", "--development-steps", "20", "--descending-steps", "10", "--quiet", "--out", out])
        XCTAssertTrue(CommandRunner.completed.contains(run.status), run.stderr)
        let configuration = try RunReader(path: out).configuration()
        XCTAssertEqual(configuration.epochs, 1)
        XCTAssertEqual(configuration.developmentSteps, 20)
        XCTAssertEqual(configuration.sizes, [64, 128, 128, 10], "the rest comes from digits.yaml")
        XCTAssertEqual(configuration.levelNames, ["hidden1", "hidden2", "output"])
    }

    func testAMistakeNamesTheFileAndTheField() throws {
        let bad = path("bad.yaml"), out = path("never.h5")
        try "levels:\n  - {size: 8, ratio: 0.5}\n  - {size: 3}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let run = try CommandRunner.run(["simulate", "--connectome", bad, "--out", out])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.stderrLines.count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("bad.yaml") && run.stderr.contains("ratio") && run.stderr.contains("0.5"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let unknown = try CommandRunner.run(["simulate", "--connectome", "no-such-circuit", "--out", out])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("no-such-circuit"), unknown.stderr)
    }

    func testEveryShippedDefinitionRunsAndIsListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: connectomes.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 10)
        let listing = try CommandRunner.run(["connectomes", "--dir", connectomes.path])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        let shared = CommandRunner.sharedDirectory()
        for file in files {
            XCTAssertTrue(listing.stdout.contains(file), "\(file) listed")
            var arguments = ["simulate", "--connectome", connectomes.appendingPathComponent(file).path, "--epochs", "1",
                             "--development-steps", "20", "--descending-steps", "10", "--quiet", "--out", path(file + ".h5")]
            let text = try String(contentsOf: connectomes.appendingPathComponent(file), encoding: .utf8)
            if text.contains("shared/data/digits8x8") {
                guard let shared else { continue }  // a user's clone has no ../shared
                arguments += ["--data", shared.appendingPathComponent("data/digits8x8").path]
            }
            let run = try CommandRunner.run(arguments)
            XCTAssertTrue(CommandRunner.completed.contains(run.status), "\(file): \(run.stderr)")
            XCTAssertTrue(run.stdout.contains("test accuracy"), "\(file): \(run.stdout)")
        }
    }
}
