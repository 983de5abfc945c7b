import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// RunInspection reads back what the run wrote, and its text and JSON forms show it.
final class RunInspectionTests: XCTestCase {
    func testInspectionOfACompleteRun() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5")
        let run = try TinyRun.write(to: path, thresholds: TinyRun.permissive)
        let inspection = try RunInspection(path: path)

        XCTAssertEqual(inspection.formatVersion, 1)
        XCTAssertEqual(inspection.softwareVersion, SelfAssembleVersion.string)
        XCTAssertEqual(inspection.seed, 11)
        XCTAssertEqual(inspection.status, "complete")
        XCTAssertTrue(inspection.isComplete)
        XCTAssertNotNil(inspection.finished)
        XCTAssertEqual(inspection.data, run.metadata.dataDescription)
        guard case .object(let configuration)? = inspection.configuration else { return XCTFail("configuration is not an object") }
        XCTAssertEqual(configuration["sizes"], .array([.integer(8), .integer(6), .integer(5), .integer(3)]))
        XCTAssertEqual(configuration["seed"], .integer(11))
        XCTAssertEqual(inspection.levels, 3)
        XCTAssertEqual(inspection.populations.map(\.name), ["U_0", "U_1", "U_2", "U_3", "D_1", "D_2", "D_3"])
        XCTAssertEqual(inspection.populations.map(\.size), [8, 6, 5, 3, 12, 10, 6])
        XCTAssertEqual(inspection.projections.map(\.name), ["W_1", "V_1", "Vbar_1", "W_2", "V_2", "Vbar_2", "Wbar_2", "W_3", "V_3", "Vbar_3", "Wbar_3"])
        let wbar2 = try XCTUnwrap(inspection.projections.first { $0.name == "Wbar_2" })
        XCTAssertEqual([wbar2.source, wbar2.target, wbar2.compartment], ["D_2", "U_1", "apical"])
        XCTAssertEqual([wbar2.rows, wbar2.cols], [6, 10])
        XCTAssertEqual(inspection.snapshots.count, run.snapshots.count)
        XCTAssertEqual(inspection.snapshots.steps, run.snapshots.map(\.step))
        XCTAssertEqual(inspection.snapshots.phases, run.snapshots.map(\.phase.rawValue))
        XCTAssertEqual(inspection.snapshots.epochs, run.snapshots.map(\.epoch))
        XCTAssertEqual(inspection.lastMetrics.map(\.name), RunLayout.metricNames(levels: 3))
        let last = run.snapshots.last!
        XCTAssertEqual(inspection.lastMetrics.first { $0.name == "test_accuracy" }?.value, last.testAccuracy)
        XCTAssertEqual(inspection.lastMetrics.first { $0.name == "reciprocity_2" }?.value, last.motif[1].reciprocity)
        XCTAssertEqual(inspection.onsets.map(\.step), run.summary.onsets)
        XCTAssertTrue(inspection.onsets.allSatisfy { $0.step != nil }, "permissive thresholds assemble every level")
        XCTAssertEqual(inspection.thresholds, TinyRun.permissive)
        XCTAssertEqual(inspection.summary?.finalTestAccuracy, run.summary.finalTestAccuracy)
        XCTAssertEqual(inspection.summary?.rule, "circuit")
        XCTAssertEqual(inspection.comparison?.rule, "bp")
        XCTAssertNil(inspection.tunedComparison, "written without bp at a tuned weight decay")
        XCTAssertEqual(Set(inspection.snapshots.phases), ["reciprocal-stage", "descending-stage", "learning"])

        let text = inspection.text()
        for fragment in [
            "\(path): selfassemble run file, format 1 (written by selfassemble \(SelfAssembleVersion.string))",
            "status         complete (created ", "seed           11", "sizes=[8,6,5,3]",
            "populations    3 levels; cells: U_0 8, U_1 6, U_2 5, U_3 3 | D_1 12, D_2 10, D_3 6",
            "  Wbar_2   D_2 -> U_1    apical  6 x 10",
            "snapshots      \(run.snapshots.count) at steps 0, 5, 10, 15, 20, ",
            "last metrics (snapshot \(run.snapshots.count - 1), step \(last.step)):",
            "  test_accuracy         ", "  level 1   step \(run.summary.onsets[0]!)",
            "summary        circuit: final test accuracy", "comparison     bp: final test accuracy",
            // Both stages of development, then learning, each with its steps.
            "(development: reciprocal stage steps 0...20, descending stage steps \(Self.firstStep(of: .descendingStage, run))...\(Self.lastStep(of: .descendingStage, run)); learning steps \(Self.firstStep(of: .learning, run))...\(last.step))",
        ] {
            XCTAssertTrue(text.contains(fragment), "the text lacks '\(fragment)':\n\(text)")
        }
        XCTAssertFalse(text.contains("tuned bp"), text)

        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inspection.json().utf8)) as? [String: Any])
        XCTAssertEqual(json["status"] as? String, "complete")
        XCTAssertEqual(json["formatVersion"] as? Int, 1)
        XCTAssertEqual(json["seed"] as? Int, 11)
        XCTAssertEqual((json["configuration"] as? [String: Any])?["sizes"] as? [Int], [8, 6, 5, 3])
        XCTAssertEqual((json["snapshots"] as? [String: Any])?["steps"] as? [Int], run.snapshots.map(\.step))
        XCTAssertEqual((json["onsets"] as? [[String: Any]])?.compactMap { $0["step"] as? Int }, run.summary.onsets.compactMap { $0 })
        let decoded = try JSONDecoder().decode(RunInspection.self, from: Data(inspection.json().utf8))
        XCTAssertEqual(decoded, inspection, "the JSON round-trips")
    }

    private static func firstStep(of phase: Phase, _ run: TinyRun.Recorded) -> Int { run.snapshots.first { $0.phase == phase }!.step }
    private static func lastStep(of phase: Phase, _ run: TinyRun.Recorded) -> Int { run.snapshots.last { $0.phase == phase }!.step }

    /// bp at its best weight decay (/comparison/bp_tuned): its weight decay and accuracy, in the
    /// value, the text and the JSON.
    func testInspectionShowsTheTunedComparison() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("tuned.h5")
        let run = try TinyRun.write(to: path, tunedWeightDecay: 3e-4)
        let inspection = try RunInspection(path: path)
        let tuned = try XCTUnwrap(inspection.tunedComparison)
        XCTAssertEqual(tuned.rule, "bp")
        XCTAssertEqual(tuned.weightDecay, 3e-4, "stored as the decimal the float32 decay prints as, not widened")
        XCTAssertEqual(tuned.finalTestAccuracy, run.tunedComparison?.summary.finalTestAccuracy)
        XCTAssertNil(inspection.comparison?.weightDecay, "the same-settings comparison carries no chosen decay")
        let text = inspection.text()
        XCTAssertTrue(text.contains("tuned bp       bp at its best weight decay 0.0003: final test accuracy "), text)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inspection.json().utf8)) as? [String: Any])
        let object = try XCTUnwrap(json["tunedComparison"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(object["weightDecay"] as? Double), 3e-4, accuracy: 1e-15)
        XCTAssertEqual(try JSONDecoder().decode(RunInspection.self, from: Data(inspection.json().utf8)), inspection)
    }

    /// A run still being written: no summary, onsets undetermined, NaN metrics as null.
    func testInspectionOfARunningFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("running.h5")
        let run = try TinyRun.write(to: path, compare: false, finish: false)
        let inspection = try RunInspection(path: path)
        XCTAssertEqual(inspection.status, "running")
        XCTAssertFalse(inspection.isComplete)
        XCTAssertNil(inspection.finished)
        XCTAssertNil(inspection.summary)
        XCTAssertEqual(inspection.onsets.map(\.step), [nil, nil, nil])
        XCTAssertEqual(inspection.snapshots.count, run.snapshots.count)
        XCTAssertTrue(inspection.text().contains("not determined (the onsets are written when the run completes)"))

        // During development train_loss is NaN: JSON has null there, not an encoding error.
        let early = directory.file("early.h5")
        let writer = try RunWriter(creating: early, metadata: run.metadata)
        try writer.append(run.snapshots[0])
        writer.close()
        let first = try RunInspection(path: early)
        XCTAssertEqual(first.lastMetrics.first { $0.name == "train_loss" }?.value, nil)
        XCTAssertTrue(try first.json().contains("\"value\" : null"))
        XCTAssertTrue(try first.json().contains("\"summary\" : null"))
    }

    /// `running` is stored from creation to the end, so a killed run says it too: inspect and
    /// validate tell a killed run from one being written by the writer's lock, in the same
    /// words (inspect used to call a killed file "running (not finished, or interrupted ...)").
    func testAKilledRunIsToldFromARunBeingWritten() throws {
        let directory = try TemporaryDirectory()
        let killed = directory.file("killed.h5")
        let run = try TinyRun.write(to: killed, compare: false, finish: false)
        let inspection = try RunInspection(path: killed)
        XCTAssertEqual(inspection.status, "running")
        XCTAssertEqual(inspection.condition, "running, but no process is writing it: the run was killed; continue it with `selfassemble simulate --resume \(killed)`")
        XCTAssertTrue(inspection.text().contains("status         running, but no process is writing it: the run was killed"), inspection.text())
        let report = try RunValidator.report(path: killed)
        XCTAssertFalse(report.beingWritten)
        XCTAssertEqual(report.condition, inspection.condition)
        XCTAssertTrue(report.summaryLine.hasSuffix(", \(inspection.condition))"), report.summaryLine)

        let live = directory.file("live.h5")
        let writer = try RunWriter(creating: live, metadata: run.metadata)
        try writer.append(run.snapshots[0])
        XCTAssertEqual(try RunInspection(path: live).condition, "running: still being written")
        XCTAssertTrue(try RunValidator.report(path: live).beingWritten)
        writer.close()
        XCTAssertTrue(try RunInspection(path: live).condition.hasPrefix("running, but no process is writing it"), "the writer closed without finishing")
    }

    func testInspectionErrorsAreOneLine() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.h5")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        assertStoreError([path, "not an HDF5 file"]) { _ = try RunInspection(path: path) }
    }
}
