import Foundation
import SelfAssembleFuzz
import SelfAssembleTestSupport
import XCTest

/// Every fuzz target, run for a fixed number of mutated inputs of its seed corpus
/// (docs/fuzzing.md): each reader returns a value or throws the project's error with a
/// one-line message, never traps, hangs or allocates absurdly.
///
/// Each target runs in its own `selfassemble-fuzz` process, so that a crash (a trap in a
/// reader, or the HDF5 library on a damaged file) fails this test with the input named
/// instead of killing the suite. The inputs are the same on every run (fixed seed); the counts
/// keep the whole class near a minute on the suite's debug build. Longer runs, with libFuzzer:
/// docs/fuzzing.md.
final class SeededFuzzTests: XCTestCase {
    /// Mutated inputs per target, beyond the seeds. Run-file inputs cost more (each reader's
    /// file is screened in a child process, then read).
    static let mutations = [
        "idx": 4000, "gzip": 10000, "csv": 4000, "idx-directory": 2000, "connectome": 4000,
        "inspect": 150, "validate": 150, "export": 100, "report": 150, "resume": 150,
    ]

    /// The driver SwiftPM built beside the test bundle (it builds every product first).
    private var driver: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("selfassemble-fuzz")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "selfassemble-fuzz")
    }

    private func fuzz(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let target = try XCTUnwrap(FuzzTargets.named(name))
        let mutations = try XCTUnwrap(Self.mutations[name])
        let corpus = try FuzzCorpus(target: target, root: TestLocations.packageRoot)
        let failures = FileManager.default.temporaryDirectory.appendingPathComponent("selfassemble-fuzz-failures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: failures, withIntermediateDirectories: true)
        let result = try ProcessRunner.run(driver, [name, "--seeded", String(mutations), "--seed", "1", "--failures", failures.path],
                                           in: TestLocations.packageRoot)
        XCTAssertEqual(result.status, 0, "\(name) broke the property (inputs that did are in \(failures.path)):\n\(result.stdout)\n\(result.stderr)",
                       file: file, line: line)
        guard result.status == 0 else { return }
        try? FileManager.default.removeItem(at: failures)

        // "idx: 4004 inputs, 110 read, 3894 rejected with a one-line error, 0 failures"
        let summary = try XCTUnwrap(result.stdoutLines.last, file: file, line: line)
        print(summary)
        let numbers = summary.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        XCTAssertEqual(numbers.count, 4, summary, file: file, line: line)
        guard numbers.count == 4 else { return }
        XCTAssertEqual(numbers[0], corpus.seeds.count + mutations, "every input ran: \(summary)", file: file, line: line)
        XCTAssertEqual(numbers[1] + numbers[2], numbers[0], summary, file: file, line: line)
        XCTAssertEqual(numbers[3], 0, summary, file: file, line: line)
        // A harness that broke (no file written, say) would reject everything and prove nothing.
        XCTAssertGreaterThan(numbers[1], corpus.seeds.count / 2, "too few inputs were read: \(summary)", file: file, line: line)
    }

    func testIDX() throws { try fuzz("idx") }
    func testGzip() throws { try fuzz("gzip") }
    func testCSV() throws { try fuzz("csv") }
    func testIDXDirectory() throws { try fuzz("idx-directory") }
    func testConnectome() throws { try fuzz("connectome") }
    func testInspect() throws { try fuzz("inspect") }
    func testValidate() throws { try fuzz("validate") }
    func testExport() throws { try fuzz("export") }
    func testReport() throws { try fuzz("report") }
    func testResume() throws { try fuzz("resume") }

    func testEveryTargetHasATestAndASeedCorpus() throws {
        XCTAssertEqual(Set(FuzzTargets.all.map(\.name)), Set(Self.mutations.keys))
        for target in FuzzTargets.all {
            let corpus = try FuzzCorpus(target: target, root: TestLocations.packageRoot)
            XCTAssertGreaterThanOrEqual(corpus.seeds.count, 2, target.name)
            XCTAssertNotNil(corpus.dictionaryPath, "\(target.name) has no dictionary")
            for seed in corpus.seeds {
                XCTAssertLessThanOrEqual(seed.bytes.count, 140_000, "\(seed.name): seeds stay small")
            }
        }
    }
}
