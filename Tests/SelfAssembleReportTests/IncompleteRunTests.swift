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
        // A reciprocal stage of 20 steps and a descending stage of 10, a snapshot every 5: stop
        // after 6 snapshots (steps 0 ... 25), inside the descending stage.
        try TinyRun.write(to: path, finish: false, snapshots: 6)
        let reader = try RunReader(path: path)
        XCTAssertFalse(reader.isComplete)
        let report = try MotifReport.make(from: reader, options: quickOptions())
        XCTAssertFalse(report.run.isComplete)
        XCTAssertEqual(report.run.status, "running")
        XCTAssertEqual(report.run.snapshots, 6)
        XCTAssertEqual(report.timeline.steps, [0, 5, 10, 15, 20, 25])
        XCTAssertEqual(report.keySnapshots.map(\.step), [0, 20, 25])
        // The descending stage had not ended where the file stops: step 25 is only the end.
        XCTAssertEqual(report.keySnapshots.map(\.roles), [[.start], [.endOfReciprocalStage], [.end]])
        XCTAssertNil(report.keySnapshot(.endOfDevelopment))
        XCTAssertNil(report.run.finalTestAccuracy, "no /summary yet")
        XCTAssertTrue(report.warnings.first?.contains("incomplete") ?? false, "\(report.warnings)")
        // The file's onsets are not written yet: not reported as the file's verdict.
        XCTAssertTrue(report.levels.allSatisfy { $0.assembly.fileOnsetStep == nil })
        XCTAssertEqual(report.levels.count, 3)

        let (stdout, markdown) = try reportCommand(path, out: directory + "/report")
        XCTAssertTrue(stdout.contains("running, seed 11"), stdout)
        XCTAssertTrue(stdout.contains("warning: The run is incomplete"), stdout)
        XCTAssertTrue(markdown.contains("| status | running (incomplete) |"), markdown)
        XCTAssertTrue(markdown.contains("| development | reciprocal stage steps 0 to 20 (snapshot 4), descending stage steps 20 to 25 so far (snapshot 5) |"), markdown)
    }

    /// `selfassemble report FILE --out DIR` with few null samples: its stdout and report.md.
    private func reportCommand(_ path: String, out: String, file: StaticString = #filePath, line: UInt = #line) throws -> (stdout: String, markdown: String) {
        let result = try CLI.run(["report", path, "--null-samples", "4", "--out", out])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return (result.stdout, try String(contentsOfFile: out + "/report.md", encoding: .utf8))
    }

    func testSingleSnapshotIsStartAndEnd() throws {
        let path = try Scratch.directory() + "/one.h5"
        try TinyRun.write(to: path, finish: false, snapshots: 1)
        let report = try MotifReport.make(from: try RunReader(path: path), options: quickOptions())
        XCTAssertEqual(report.keySnapshots.count, 1)
        XCTAssertEqual(report.keySnapshots[0].roles, [.start, .end], "the reciprocal stage has only begun: no stage has ended")
        XCTAssertEqual(report.levels[1].motifs.count, 1)
        // Figures still draw (a single point per series).
        let figures = ReportFigures.make(report)
        XCTAssertFalse(figures.isEmpty)
        XCTAssertTrue(figures.allSatisfy { $0.svg.hasSuffix("</svg>\n") })
    }

    /// A file of model version 1: development is the reciprocal stage alone, whose end is the end
    /// of development (one key snapshot with both roles), and the report says so.
    func testVersionOneRunHasOneDevelopmentStage() throws {
        let directory = try Scratch.directory()
        let path = directory + "/version1.h5"
        try TinyRun.write(to: path, version1: true)
        let reader = try RunReader(path: path)
        XCTAssertEqual(Set(try reader.phases()), [.reciprocalStage, .learning], "phase codes 0 and 1 only, as in version 1's files")
        let report = try MotifReport.make(from: reader, options: quickOptions())
        XCTAssertEqual(report.keySnapshots.map(\.roles), [[.start], [.endOfReciprocalStage, .endOfDevelopment], [.end]])
        XCTAssertEqual(report.keySnapshot(.endOfDevelopment)?.step, 20)
        XCTAssertEqual(report.keySnapshot(.endOfDevelopment)?.words, "end of reciprocal stage = end of development")
        XCTAssertNil(report.timeline.endOfDescendingStage)
        XCTAssertEqual(report.levels[1].motifs.count, 3)
        XCTAssertFalse(report.warnings.contains { $0.contains("development") }, "\(report.warnings)")

        let out = directory + "/report"
        let (stdout, markdown) = try reportCommand(path, out: out)
        XCTAssertTrue(stdout.contains("development: reciprocal stage steps 0 to 20 (snapshot 4), no descending stage (model version 1, or --descending-steps 0)"), stdout)
        XCTAssertTrue(stdout.contains("z at start / end of reciprocal stage = end of development / end:"), stdout)
        XCTAssertTrue(markdown.contains("| 2 | end of reciprocal stage = end of development | 20 |"), markdown)
        // One boundary, the development/learning one: the two stage ends are the same step.
        let svg = try String(contentsOfFile: out + "/trajectories-level-2.svg", encoding: .utf8)
        XCTAssertEqual(svg.components(separatedBy: "class=\"boundary\"").count - 1, 1)
        XCTAssertFalse(svg.contains("stage-boundary"))
    }
}
