import Foundation
import SelfAssembleTestSupport
import XCTest

/// The notebooks of Notebooks-export/: each is valid nbformat 4 with cleared outputs and a
/// `parameters` cell, its percent-format copy (.py) is in sync, and both the .py copy (python3)
/// and the notebook (nbclient) run headless on a small run simulated here and write every
/// figure as a non-empty PNG.
final class NotebookTests: XCTestCase {
    /// Each notebook and the figures it must write.
    static let notebooks: [(name: String, figures: [String])] = [
        ("01-motif-metrics", ["01-motif-metrics.png", "01-metrics-by-level.png"]),
        ("02-figure3-views", ["02-gram-heatmaps.png", "02-spectra.png"]),
        ("03-circuit-vs-bp", ["03-accuracy.png", "03-alignment.png"]),
        ("04-sonata-connectivity", ["04-edge-populations.png", "04-block-matrix.png", "04-group-matrix.png"]),
    ]

    /// A configuration small enough to run in a few seconds (debug build) with both stages of
    /// development (1500 reciprocal-stage steps, the default 2000 descending-stage steps), in
    /// which every level assembles during the descending stage; the version-1 run of the fixture
    /// (no descending stage, `versionOneArguments`) draws the other branches.
    static let simulateArguments = [
        "--sizes", "16,24,24,4", "--development-steps", "1500", "--epochs", "10",
        "--snapshot-every", "100", "--seed", "7", "--quiet",
    ]

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let notebooksDirectory = packageRoot.appendingPathComponent("Notebooks-export")
    static let scriptsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")

    override class func tearDown() {
        Fixture.removeShared()
        super.tearDown()
    }

    // MARK: - Structure and sync (no run needed)

    func testNotebooksAreCleanNbformat4WithAParametersCellFirst() throws {
        for (name, _) in Self.notebooks {
            let url = Self.notebooksDirectory.appendingPathComponent(name + ".ipynb")
            let data = try Data(contentsOf: url)
            guard let notebook = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                XCTFail("\(name).ipynb is not a JSON object"); continue
            }
            XCTAssertEqual(notebook["nbformat"] as? Int, 4, "\(name).ipynb: nbformat")
            let cells = notebook["cells"] as? [[String: Any]] ?? []
            XCTAssertFalse(cells.isEmpty, "\(name).ipynb has no cells")
            let code = cells.filter { $0["cell_type"] as? String == "code" }
            let tags = (code.first?["metadata"] as? [String: Any])?["tags"] as? [String] ?? []
            XCTAssertTrue(tags.contains("parameters"), "\(name).ipynb: the first code cell is not tagged `parameters`")
            let parameters = ((code.first?["source"] as? [String]) ?? []).joined()
            XCTAssertTrue(parameters.contains("SELFASSEMBLE_FIGURES"), "\(name).ipynb: the parameters cell does not read SELFASSEMBLE_FIGURES")
            XCTAssertTrue(parameters.contains("SELFASSEMBLE_RUN") || parameters.contains("SELFASSEMBLE_SONATA"),
                          "\(name).ipynb: the parameters cell does not take the run's path")
            for (index, cell) in code.enumerated() {
                XCTAssertTrue((cell["outputs"] as? [Any])?.isEmpty ?? false, "\(name).ipynb: code cell \(index + 1) holds outputs (clear them: python3 Notebooks-export/sync.py)")
                XCTAssertTrue(cell["execution_count"] is NSNull, "\(name).ipynb: code cell \(index + 1) has an execution count")
            }
            XCTAssertTrue(cells.contains { $0["cell_type"] as? String == "markdown" }, "\(name).ipynb explains nothing (no markdown cell)")
        }
    }

    func testPercentFormatCopiesAreInSyncWithTheNotebooks() throws {
        let python = try Python.interpreter()
        let result = try Process.capture(python, [Self.scriptsDirectory.appendingPathComponent("check_sync.py").path,
                                                  Self.notebooksDirectory.path] + Self.notebooks.map(\.name))
        XCTAssertEqual(result.status, 0, "notebooks out of sync with their .py copies:\n\(result.stdout)\(result.stderr)")
    }

    /// Model version 1 (no descending stage, the top level taught by e): files with phase codes
    /// 0 and 1 only, as earlier versions wrote.
    static let versionOneArguments = ["--descending-steps", "0", "--top-teaching", "error"]

    // MARK: - Running them on a real run

    /// The notebooks say in which stage of development each level's motif assembled, read both
    /// stages from /snapshots/phase, show bp at its best weight decay, and read a file of model
    /// version 1 (one development stage) too.
    func testNotebooksNameTheStagesAndTheTunedComparison() throws {
        let python = try Python.interpreter()
        try Python.require(["h5py", "numpy", "matplotlib"], python: python, optional: false)
        let fixture = try Fixture.shared()
        func run(_ name: String, on runFile: URL) throws -> String {
            var environment = fixture.environment(figures: fixture.directory.appendingPathComponent("figures-stages"))
            environment["MPLBACKEND"] = "Agg"
            environment["SELFASSEMBLE_RUN"] = runFile.path
            let script = Self.notebooksDirectory.appendingPathComponent(name + ".py").path
            let result = try Process.capture(python, [script], in: Self.notebooksDirectory, environment: environment, timeout: 180)
            XCTAssertEqual(result.status, 0, "python3 \(name).py on \(runFile.lastPathComponent) failed:\n\(result.stderr.suffix(3000))")
            return result.stdout
        }
        let metrics = try run("01-motif-metrics", on: fixture.run)
        for fragment in ["reciprocal stage of development: steps 0 ... 1500", "descending stage of development: steps 1500 ... 3500",
                         "during the descending stage of development"] {
            XCTAssertTrue(metrics.contains(fragment), "01-motif-metrics.py does not say '\(fragment)':\n\(metrics)")
        }
        for level in 1...3 {
            XCTAssertTrue(metrics.contains("  level \(level): assembled at step ") || metrics.contains("  level \(level): not assembled"), metrics)
        }
        let comparison = try run("03-circuit-vs-bp", on: fixture.run)
        for fragment in ["bp at its best weight decay ", "(grid 0.0,0.0001,0.0003,0.001): final test accuracy",
                         "circuit run, descending stage of development: steps 1500 ... 3500"] {
            XCTAssertTrue(comparison.contains(fragment), "03-circuit-vs-bp.py does not say '\(fragment)':\n\(comparison)")
        }

        let versionOne = try run("01-motif-metrics", on: fixture.versionOneRun)
        XCTAssertTrue(versionOne.contains("reciprocal stage of development: steps 0 ... 1500"), versionOne)
        XCTAssertTrue(versionOne.contains("no descending stage (a file of model version 1, or --descending-steps 0)"), versionOne)
        XCTAssertFalse(versionOne.contains("during the descending stage"), versionOne)
        let versionOneComparison = try run("03-circuit-vs-bp", on: fixture.versionOneRun)
        XCTAssertTrue(versionOneComparison.contains("no /comparison/bp_tuned in the circuit run"), versionOneComparison)
    }

    /// The SONATA notebook lists and draws the edge populations of a rule's feedback (Kolen-Pollack's
    /// B_2, B_3 as feedback_B) and checks them against /feedback; a circuit export has none.
    func testTheSONATANotebookShowsTheRulesFeedback() throws {
        let python = try Python.interpreter()
        try Python.require(["h5py", "numpy", "matplotlib"], python: python, optional: false)
        let fixture = try Fixture.shared()
        let figures = fixture.directory.appendingPathComponent("figures-feedback")
        func run(run: URL, sonata: URL) throws -> String {
            var environment = fixture.environment(figures: figures)
            environment["MPLBACKEND"] = "Agg"
            environment["SELFASSEMBLE_RUN"] = run.path
            environment["SELFASSEMBLE_SONATA"] = sonata.path
            let script = Self.notebooksDirectory.appendingPathComponent("04-sonata-connectivity.py").path
            let result = try Process.capture(python, [script], in: Self.notebooksDirectory, environment: environment, timeout: 180)
            XCTAssertEqual(result.status, 0, "04-sonata-connectivity.py on \(run.lastPathComponent) failed:\n\(result.stderr.suffix(3000))")
            return result.stdout
        }
        let feedback = try run(run: fixture.feedbackRun, sonata: fixture.feedbackSonata)
        // Sizes 16, 24, 24, 4: B_2 is 24 x 24, B_3 24 x 4.
        for fragment in ["feedback_B: upstream -> upstream, \(24 * 24 + 24 * 4) edges, projections B_2, B_3",
                         "every projection (W, V, Vbar, Wbar, feedback_B) matches"] {
            XCTAssertTrue(feedback.contains(fragment), "04-sonata-connectivity.py does not say '\(fragment)':\n\(feedback)")
        }
        assertFigures(["04-feedback-populations.png", "04-edge-populations.png"], in: figures, of: "04-sonata-connectivity.py")
        let circuit = try run(run: fixture.run, sonata: fixture.sonata)
        XCTAssertTrue(circuit.contains("no feedback edge populations"), circuit)
    }

    func testPercentCopiesRunHeadlessAndWriteEveryFigure() throws {
        let python = try Python.interpreter()
        try Python.require(["h5py", "numpy", "matplotlib"], python: python, optional: false)
        let fixture = try Fixture.shared()
        let figures = fixture.directory.appendingPathComponent("figures-py")
        for (name, expected) in Self.notebooks {
            var environment = fixture.environment(figures: figures)
            environment["MPLBACKEND"] = "Agg"
            let script = Self.notebooksDirectory.appendingPathComponent(name + ".py").path
            let result = try Process.capture(python, [script], in: Self.notebooksDirectory, environment: environment, timeout: 180)
            XCTAssertEqual(result.status, 0, "python3 \(name).py failed:\n\(result.stdout.suffix(1500))\n\(result.stderr.suffix(3000))")
            assertFigures(expected, in: figures, of: "\(name).py")
        }
    }

    func testNotebooksExecuteWithNbclientAndWriteEveryFigure() throws {
        let python = try Python.interpreter()
        try Python.require(["h5py", "numpy", "matplotlib"], python: python, optional: false)
        try Python.require(["nbformat", "nbclient", "ipykernel"], python: python, optional: true)
        let fixture = try Fixture.shared()
        let figures = fixture.directory.appendingPathComponent("figures-ipynb")
        let executed = fixture.directory.appendingPathComponent("executed")
        try FileManager.default.createDirectory(at: executed, withIntermediateDirectories: true)
        var environment = fixture.environment(figures: figures)
        environment["MPLBACKEND"] = nil   // the kernel's own inline backend, as in Jupyter
        let notebooks = Self.notebooks.map { Self.notebooksDirectory.appendingPathComponent($0.name + ".ipynb").path }
        let result = try Process.capture(python, [Self.scriptsDirectory.appendingPathComponent("execute_notebooks.py").path, executed.path] + notebooks,
                                         in: Self.notebooksDirectory, environment: environment, timeout: 400)
        XCTAssertEqual(result.status, 0, "executing the notebooks with nbclient failed:\n\(result.stdout.suffix(4000))\n\(result.stderr.suffix(2000))")
        for (name, expected) in Self.notebooks {
            assertFigures(expected, in: figures, of: "\(name).ipynb")
        }
    }

    private func assertFigures(_ names: [String], in directory: URL, of notebook: String, file: StaticString = #filePath, line: UInt = #line) {
        let magic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url) else {
                XCTFail("\(notebook) did not write \(name)", file: file, line: line); continue
            }
            XCTAssertGreaterThan(data.count, 1000, "\(notebook): \(name) is (nearly) empty: \(data.count) bytes", file: file, line: line)
            XCTAssertEqual(Array(data.prefix(8)), magic, "\(notebook): \(name) is not a PNG", file: file, line: line)
        }
    }
}

/// A circuit run (with the bp comparisons), a bp run of the same configuration, a run of model
/// version 1 and the SONATA export of the circuit run's last snapshot, made once with the built
/// CLI for all tests.
struct Fixture {
    let directory: URL
    var run: URL { directory.appendingPathComponent("run.h5") }
    var bpRun: URL { directory.appendingPathComponent("bp.h5") }
    var sonata: URL { directory.appendingPathComponent("circuit") }
    var versionOneRun: URL { directory.appendingPathComponent("version1.h5") }
    /// A Kolen-Pollack run (the rule's feedback B_l in /feedback) and its SONATA export.
    var feedbackRun: URL { directory.appendingPathComponent("kolen-pollack.h5") }
    var feedbackSonata: URL { directory.appendingPathComponent("kolen-pollack-circuit") }

    nonisolated(unsafe) private static var cached: Result<Fixture, Error>?

    static func shared() throws -> Fixture {
        if cached == nil { cached = Result { try make() } }
        return try cached!.get()
    }

    static func removeShared() {
        if case .success(let fixture)? = cached { try? FileManager.default.removeItem(at: fixture.directory) }
        cached = nil
    }

    private static func make() throws -> Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfassemble-notebooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fixture = Fixture(directory: directory)
        let binary = selfassembleBinary()
        let steps: [[String]] = [
            ["simulate"] + NotebookTests.simulateArguments + ["--compare-bp", "--out", fixture.run.path],
            ["simulate"] + NotebookTests.simulateArguments + ["--rule", "bp", "--out", fixture.bpRun.path],
            ["simulate"] + NotebookTests.simulateArguments + NotebookTests.versionOneArguments + ["--out", fixture.versionOneRun.path],
            ["export", fixture.run.path, fixture.sonata.path, "--format", "sonata", "--step", "last"],
            ["simulate"] + NotebookTests.simulateArguments + ["--rule", "kolen-pollack", "--out", fixture.feedbackRun.path],
            ["export", fixture.feedbackRun.path, fixture.feedbackSonata.path, "--format", "sonata", "--step", "last"],
        ]
        for arguments in steps {
            let result = try Process.capture(binary, arguments, in: directory, timeout: 120)
            guard result.status == 0 else {
                throw NotebookTestError("`\(binary) \(arguments.joined(separator: " "))` failed (exit \(result.status)): \(result.stderr.suffix(1500))")
            }
        }
        return fixture
    }

    /// The environment a notebook reads its parameters from.
    func environment(figures: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SELFASSEMBLE_RUN"] = run.path
        environment["SELFASSEMBLE_BP_RUN"] = bpRun.path
        environment["SELFASSEMBLE_SONATA"] = sonata.path
        environment["SELFASSEMBLE_FIGURES"] = figures.path
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        return environment
    }

    static func selfassembleBinary() -> String { TestLocations.selfassemble.path }
}

/// python3 and the packages the notebooks need, installed with pip when missing.
enum Python {
    static func interpreter() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let python = path.split(separator: ":").map({ "\($0)/python3" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("python3 is not installed: the notebook tests need it (install python3 and pip)")
        }
        return python
    }

    /// Installs the missing modules of `modules` (their pip names are the same). A failure to
    /// install fails the test, or skips it when `optional` (the nbclient tooling: the .py copies
    /// are still run by the other test).
    static func require(_ modules: [String], python: String, optional: Bool) throws {
        let missing = try modules.filter { try Process.capture(python, ["-c", "import \($0)"]).status != 0 }
        if missing.isEmpty { return }
        var install = try Process.capture(python, ["-m", "pip", "install", "--quiet"] + missing, timeout: 600)
        if install.status != 0, install.stderr.contains("externally-managed-environment") {
            install = try Process.capture(python, ["-m", "pip", "install", "--quiet", "--user", "--break-system-packages"] + missing, timeout: 600)
        }
        let stillMissing = try missing.filter { try Process.capture(python, ["-c", "import \($0)"]).status != 0 }
        guard stillMissing.isEmpty else {
            let message = "`\(python) -m pip install \(missing.joined(separator: " "))` did not make \(stillMissing.joined(separator: ", ")) importable (exit \(install.status)): \(install.stderr.suffix(800))"
            if optional { throw XCTSkip("cannot execute the .ipynb notebooks: " + message) }
            throw NotebookTestError("the notebooks need \(modules.joined(separator: ", ")): " + message)
        }
    }
}

struct NotebookTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

struct CapturedOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

extension Process {
    /// Runs a program to the end (killing it after `timeout` seconds), output through files so
    /// that a large output cannot fill a pipe and block the child.
    static func capture(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                        environment: [String: String]? = nil, timeout: TimeInterval = 60) throws -> CapturedOutput {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("selfassemble-notebook-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: capture) }
        let outURL = capture.appendingPathComponent("stdout"), errURL = capture.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.contains("/") ? executable : "/usr/bin/env")
        process.arguments = executable.contains("/") ? arguments : [executable] + arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                process.terminate()
                process.waitUntilExit()
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        var stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        if timedOut { stderr += "\n(killed after \(Int(timeout)) s)" }
        return CapturedOutput(status: process.terminationStatus,
                              stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                              stderr: stderr)
    }
}
