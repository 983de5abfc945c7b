import Foundation
import XCTest

/// `report --out DIR` into a directory that holds an older report: the older report's files
/// are replaced, its figures of levels the new run does not have included (they were left, so
/// that a 2-level report sat beside a 3-level run's level-3 figures), and nothing else is touched.
final class ReportOutputTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    private func simulate(sizes: String, to file: String) throws {
        let result = try CommandRunner.run(["simulate", "--sizes", sizes, "--development-steps", "60", "--descending-steps", "20",
                                            "--epochs", "1", "--batch", "16", "--snapshot-every", "20", "--eta-w", "0.02",
                                            "--quiet", "--out", file])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    private func figures(levels: Int) -> [String] {
        ["accuracy.svg", "effective-rank.svg", "report.json", "report.md"]
            + (1...levels).flatMap { ["gram-level-\($0).svg", "spectra-level-\($0).svg", "trajectories-level-\($0).svg"] }
    }

    func testANewReportReplacesTheOlderReportsFiguresAndKeepsTheRest() throws {
        let three = path("three.h5"), two = path("two.h5"), out = path("report")
        try simulate(sizes: "12,16,8,4", to: three)
        try simulate(sizes: "12,8,4", to: two)

        let first = try CommandRunner.run(["report", three, "--out", out])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), figures(levels: 3).sorted())
        let mine = ["notes.txt", "my-level-3.svg", "gram-level-3-edited.svg"]
        for name in mine { try Data("keep \(name)".utf8).write(to: URL(fileURLWithPath: out + "/" + name)) }

        let second = try CommandRunner.run(["report", two, "--out", out])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), (figures(levels: 2) + mine).sorted(),
                       "the level-3 figures of the older report are gone, the user's files stay")
        for name in mine { XCTAssertEqual(try String(contentsOfFile: out + "/" + name, encoding: .utf8), "keep \(name)") }
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("two.h5"), "the report is the new run's")
    }
}
