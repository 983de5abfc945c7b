import Foundation
import SelfAssembleReport
import SelfAssembleStore
import XCTest

/// A run that is still being written or was interrupted (status `running`) is reported as far
/// as it goes, and the report says it is incomplete.
final class IncompleteRunTests: XCTestCase {
    func testInterruptedRunIsReportedAsIncomplete() throws {
        let directory = try Scratch.directory()
        let path = directory + "/interrupted.h5"
        // 20 development steps, a snapshot every 5: stop after 6 snapshots (steps 0 ... 25).
        try TinyRun.write(to: path, finish: false, snapshots: 6)
        let reader = try RunReader(path: path)
        XCTAssertFalse(reader.isComplete)
        let report = try MotifReport.make(from: reader, options: quickOptions())
        XCTAssertFalse(report.run.isComplete)
        XCTAssertEqual(report.run.status, "running")
        XCTAssertEqual(report.run.snapshots, 6)
        XCTAssertEqual(report.timeline.steps, [0, 5, 10, 15, 20, 25])
        XCTAssertEqual(report.keySnapshots.map(\.step), [0, 20, 25])
        XCTAssertNil(report.run.finalTestAccuracy, "no /summary yet")
        XCTAssertTrue(report.warnings.first?.contains("incomplete") ?? false, "\(report.warnings)")
        // The file's onsets are not written yet: not reported as the file's verdict.
        XCTAssertTrue(report.levels.allSatisfy { $0.assembly.fileOnsetStep == nil })
        XCTAssertEqual(report.levels.count, 3)

        let out = directory + "/report"
        let result = try CLI.run(["report", path, "--null-samples", "4", "--out", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("running, seed 11"), result.stdout)
        XCTAssertTrue(result.stdout.contains("warning: The run is incomplete"), result.stdout)
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("| status | running (incomplete) |"), markdown)
    }

    func testSingleSnapshotIsStartAndEnd() throws {
        let path = try Scratch.directory() + "/one.h5"
        try TinyRun.write(to: path, finish: false, snapshots: 1)
        let report = try MotifReport.make(from: try RunReader(path: path), options: quickOptions())
        XCTAssertEqual(report.keySnapshots.count, 1)
        XCTAssertEqual(Set(report.keySnapshots[0].roles), [.start, .endOfDevelopment, .end])
        XCTAssertEqual(report.levels[1].motifs.count, 1)
        // Figures still draw (a single point per series).
        let figures = ReportFigures.make(report)
        XCTAssertFalse(figures.isEmpty)
        XCTAssertTrue(figures.allSatisfy { $0.svg.hasSuffix("</svg>\n") })
    }
}
