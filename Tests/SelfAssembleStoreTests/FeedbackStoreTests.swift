import CHDF5
import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// The feedback projections a rule owns (Circuit.feedback) are stored in /feedback at every
/// snapshot, read back, validated, and continue a run; files without /feedback (written before
/// it existed) still read, validate and continue for rules whose feedback the seed rebuilds.
final class FeedbackStoreTests: XCTestCase {
    func testEveryFeedbackProjectionIsStoredAtEverySnapshot() throws {
        let directory = try TemporaryDirectory()
        let expected: [RuleKind: [String]] = [
            .fa: ["B_2", "B_3"], .dfa: ["Bdirect_1", "Bdirect_2"], .usf: ["B_2", "B_3"], .brsf: ["B_2", "B_3"],
            .frsf: ["B_2", "R_2", "B_3", "R_3"], .kolenPollack: ["B_2", "B_3"], .circuit: [], .bp: [],
            .dtpSkip: ["Q_2", "c_2", "Q_3", "Qskip_3", "S_3", "c_3", "cskip_3"],
        ]
        for (rule, names) in expected {
            let path = directory.file("\(rule.rawValue).h5")
            let recorded = try TinyRun.write(to: path, compare: false, rule: rule)
            let reader = try RunReader(path: path)
            XCTAssertEqual(try reader.feedbackNames(), names, "\(rule)")
            XCTAssertEqual(recorded.metadata.feedback.map(\.name), names, "\(rule)")
            XCTAssertEqual(reader.snapshotCount, recorded.snapshots.count)
            for (i, snapshot) in recorded.snapshots.enumerated() {
                let stored = try reader.circuit(snapshot: i)
                XCTAssertEqual(stored.feedback, snapshot.circuit.feedback, "\(rule) snapshot \(i)")
                XCTAssertEqual(stored, snapshot.circuit, "\(rule) snapshot \(i)")
            }
            let report = try RunValidator.report(path: path)
            XCTAssertEqual(report.errors, [], "\(rule)")
            XCTAssertEqual(report.warnings, [], "\(rule)")
        }
        // Kolen-Pollack's B_l learns: the stored series changes from snapshot to snapshot.
        let kp = try RunReader(path: directory.file("kolen-pollack.h5"))
        XCTAssertNotEqual(try kp.feedback("B_2", snapshot: 0), try kp.feedback("B_2", snapshot: kp.snapshotCount - 1))
        // Shapes: B_l is n_{l-1} x n_l, Bdirect_l n_l x n_L (sizes 8, 6, 5, 3).
        let n = kp.snapshotCount
        XCTAssertEqual(try kp.storedFeedback(), [StoredFeedback(name: "B_2", rows: 6, cols: 5, entries: n), StoredFeedback(name: "B_3", rows: 5, cols: 3, entries: n)])
        // dtp-skip's forward skip connection S_3 (U_1 -> U_3, 3 x 6) starts at zero and learns.
        let skip = try RunReader(path: directory.file("dtp-skip.h5"))
        XCTAssertEqual(try skip.feedback("S_3", snapshot: 0), Matrix(zeros: 3, 6))
        XCTAssertNotEqual(try skip.feedback("S_3", snapshot: skip.snapshotCount - 1), Matrix(zeros: 3, 6))
        let dfa = try RunReader(path: directory.file("dfa.h5"))
        XCTAssertEqual(try dfa.storedFeedback(), [StoredFeedback(name: "Bdirect_1", rows: 6, cols: 3, entries: n),
                                                  StoredFeedback(name: "Bdirect_2", rows: 5, cols: 3, entries: n)])
    }

    /// A name no rule of this version uses is stored and validated from the matrix it holds.
    func testAFeedbackNameTheLayoutDoesNotKnowIsStoredToo() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("new-rule.h5")
        var simulation = try Simulation(configuration: TinyRun.configuration(rule: .fa), data: TinyRun.data())
        var metadata = try RunMetadata(simulation: simulation)
        metadata.feedback.append(StoredFeedback(name: "T_2", rows: 2, cols: 4))
        let writer = try RunWriter(creating: path, metadata: metadata)
        var stored = [Matrix](), first: Snapshot?
        try simulation.run { event in
            guard case .snapshot(var snapshot) = event else { return }
            if first == nil { first = snapshot }
            let t = Matrix(rows: 2, cols: 4, values: (0..<8).map { Float($0 + snapshot.step) })
            snapshot.circuit.feedback["T_2"] = t
            stored.append(t)
            try writer.append(snapshot)
        }
        writer.close()
        let reader = try RunReader(path: path)
        XCTAssertEqual(try reader.feedbackNames(), ["B_2", "B_3", "T_2"])
        XCTAssertEqual(try (0..<reader.snapshotCount).map { try reader.feedback("T_2", snapshot: $0) }, stored)
        XCTAssertEqual(try RunValidator.report(path: path).errors, [])
        // A snapshot without a projection the file stores is refused before anything is written.
        let refused = directory.file("refused.h5")
        let other = try RunWriter(creating: refused, metadata: metadata)
        assertStoreError(["feedback projections", "T_2"]) { try other.append(try XCTUnwrap(first)) }
        other.close()
        XCTAssertEqual(try RunReader(path: refused).snapshotCount, 0)
    }

    /// Writes `rule`'s tiny run up to its middle snapshot (as a killed run leaves it), and the whole run.
    private func interruptedAndWhole(_ rule: RuleKind, in directory: TemporaryDirectory) throws -> (partial: String, whole: TinyRun.Recorded) {
        let whole = try TinyRun.write(to: directory.file("\(rule.rawValue)-whole.h5"), compare: false, rule: rule)
        let partial = directory.file("\(rule.rawValue)-partial.h5")
        let simulation = try Simulation(configuration: TinyRun.configuration(rule: rule), data: TinyRun.data())
        let writer = try RunWriter(creating: partial, metadata: try RunMetadata(simulation: simulation))
        for snapshot in whole.snapshots.prefix(whole.snapshots.count / 2) { try writer.append(snapshot) }
        writer.close()
        return (partial, whole)
    }

    /// Continues a file as `simulate --resume` does and returns the summary.
    private func resume(_ path: String) throws -> SimulationSummary {
        let point = try RunReader(path: path).resumePoint()
        var simulation = try Simulation(configuration: point.configuration, data: TinyRun.data(), resumingFrom: point.checkpoint,
                                        circuit: point.circuit)
        let writer = try RunWriter(resuming: path, metadata: point.metadata)
        let summary = try simulation.run { event in
            if case .snapshot(let snapshot) = event { try writer.append(snapshot) }
        }
        try writer.finish(summary: summary, comparison: nil)
        return summary
    }

    /// Kolen-Pollack's B_l, and dtp-skip's inverses and forward skip connections S_l.
    func testALearnedFeedbackRunContinuesBitIdentically() throws {
        let directory = try TemporaryDirectory()
        for rule in [RuleKind.kolenPollack, .dtpSkip] {
            let (partial, whole) = try interruptedAndWhole(rule, in: directory)
            let summary = try resume(partial)
            XCTAssertEqual(summary.finalCircuit, whole.summary.finalCircuit, "\(rule)")
            let continued = try RunReader(path: partial)
            XCTAssertEqual(continued.snapshotCount, whole.snapshots.count, "\(rule)")
            for (i, snapshot) in whole.snapshots.enumerated() {
                XCTAssertEqual(try continued.circuit(snapshot: i), snapshot.circuit, "\(rule) snapshot \(i)")
            }
            XCTAssertEqual(try RunValidator.report(path: partial).errors, [], "\(rule)")
        }
    }

    /// Deletes /feedback: the file as selfassemble wrote it before the feedback was stored.
    private func removeFeedback(_ path: String) throws {
        try ForeignFile.modify(path) { file in XCTAssertGreaterThanOrEqual(H5Ldelete(file, "feedback", sa_H5P_DEFAULT()), 0) }
    }

    func testAFileWithoutFeedbackReadsValidatesAndContinuesWhenTheSeedRebuildsIt() throws {
        let directory = try TemporaryDirectory()
        for rule in [RuleKind.fa, .dfa, .brsf, .frsf] {
            let (partial, whole) = try interruptedAndWhole(rule, in: directory)
            try removeFeedback(partial)
            XCTAssertEqual(try RunValidator.report(path: partial).errors, [], "\(rule)")
            XCTAssertEqual(try RunReader(path: partial).circuit(snapshot: 0).feedback, [:], "\(rule)")
            let summary = try resume(partial)
            XCTAssertEqual(summary.finalCircuit, whole.summary.finalCircuit, "\(rule)")
            let continued = try RunReader(path: partial)
            XCTAssertEqual(try continued.feedbackNames(), [], "\(rule): a file without /feedback is continued without it")
            XCTAssertEqual(try continued.weights("W_2", snapshot: continued.snapshotCount - 1), whole.summary.finalCircuit[2].W)
            XCTAssertTrue(try RunValidator.report(path: partial).isValid, "\(rule)")
        }
        // Kolen-Pollack's learned B_l cannot be rebuilt: one line saying so.
        let (partial, _) = try interruptedAndWhole(.kolenPollack, in: directory)
        try removeFeedback(partial)
        try assertCannotContinue(partial, saying: ["B_2, B_3", "kolen-pollack"])
    }

    /// Continuing the file fails with one line containing `fragments` and "cannot be continued".
    private func assertCannotContinue(_ path: String, saying fragments: [String], line: UInt = #line) throws {
        let point = try RunReader(path: path).resumePoint()
        XCTAssertThrowsError(try Simulation(configuration: point.configuration, data: TinyRun.data(), resumingFrom: point.checkpoint,
                                            circuit: point.circuit), line: line) { error in
            let message = String(describing: error)
            for fragment in fragments + ["cannot be continued"] { XCTAssertTrue(message.contains(fragment), message, line: line) }
            XCTAssertFalse(message.contains("\n"), message, line: line)
        }
    }

    func testDamagedFeedbackIsNamedByTheValidatorAndTheReader() throws {
        let directory = try TemporaryDirectory()
        let (partial, _) = try interruptedAndWhole(.kolenPollack, in: directory)
        let snapshots = try RunReader(path: partial).snapshotCount
        try ForeignFile.modify(partial) { file in
            H5Ldelete(file, "feedback/B_2", sa_H5P_DEFAULT())
            ForeignFile.createDataset(file, "feedback/B_2", type: sa_H5T_IEEE_F32LE(), shape: [snapshots, 5, 6])
            H5Ldelete(file, "feedback/B_3", sa_H5P_DEFAULT())
            ForeignFile.createDataset(file, "feedback/B_3", type: sa_H5T_STD_I32LE(), shape: [snapshots, 5, 3])
        }
        let errors = try RunValidator.report(path: partial).errors.map(\.description)
        XCTAssertTrue(errors.contains { $0.hasPrefix("/feedback/B_2: ") && $0.contains("has shape [\(snapshots), 5, 6], expected [S, 6, 5]") }, "\(errors)")
        XCTAssertTrue(errors.contains { $0.hasPrefix("/feedback/B_3: ") && $0.contains("is int32, expected float32") }, "\(errors)")
        assertStoreError(["/feedback/B_2", "damaged"]) { _ = try RunReader(path: partial).resumePoint() }

        // A projection lost from /feedback: named by the validator, and continuing says what is missing.
        let (lost, _) = try interruptedAndWhole(.frsf, in: directory)
        try ForeignFile.modify(lost) { file in XCTAssertGreaterThanOrEqual(H5Ldelete(file, "feedback/R_3", sa_H5P_DEFAULT()), 0) }
        let missing = try RunValidator.report(path: lost).errors.map(\.description)
        XCTAssertEqual(missing, ["/feedback/R_3: missing dataset (float32)"])
        try assertCannotContinue(lost, saying: ["(B_2, R_2, B_3)", "(B_2, R_2, B_3, R_3)"])
    }

    func testInspectListsTheFeedbackProjections() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("frsf.h5")
        let recorded = try TinyRun.write(to: path, compare: false, rule: .frsf)
        let inspection = try RunInspection(path: path)
        XCTAssertEqual(inspection.feedback.map(\.name), ["B_2", "R_2", "B_3", "R_3"])
        let b3 = try XCTUnwrap(inspection.feedback.first { $0.name == "B_3" })
        XCTAssertEqual([b3.source, b3.target, b3.role, b3.kind], ["U_3", "U_2", "pathway", "B"])
        XCTAssertEqual([b3.rows, b3.cols, b3.snapshots, b3.level], [5, 3, recorded.snapshots.count, 3])
        XCTAssertEqual(inspection.feedback.first { $0.name == "R_2" }?.role, "magnitudes")
        let text = inspection.text()
        XCTAssertTrue(text.contains("feedback       4 of rule frsf (target x source cells), at every snapshot"), text)
        XCTAssertTrue(text.contains("  B_3         U_3 -> U_2    5 x 3       feedback U_3 -> U_2"), text)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inspection.json().utf8)) as? [String: Any])
        let listed = try XCTUnwrap(json["feedback"] as? [[String: Any]])
        XCTAssertEqual(listed.map { $0["name"] as? String }, ["B_2", "R_2", "B_3", "R_3"])
        XCTAssertEqual(listed[0]["snapshots"] as? Int, recorded.snapshots.count)

        // dtp-skip's S_3 is listed as the forward pathway it is.
        try TinyRun.write(to: directory.file("dtp-skip.h5"), compare: false, rule: .dtpSkip)
        let skip = try RunInspection(path: directory.file("dtp-skip.h5"))
        let s3 = try XCTUnwrap(skip.feedback.first { $0.name == "S_3" })
        XCTAssertEqual([s3.source, s3.target, s3.role, s3.kind], ["U_1", "U_3", "pathway", "S"])
        XCTAssertEqual([s3.rows, s3.cols, s3.level], [3, 6, 3])
        XCTAssertTrue(skip.text().contains("forward skip connection U_1 -> U_3"), skip.text())

        // Without /feedback: the text says why and what continuing would do.
        try removeFeedback(path)
        let old = try RunInspection(path: path)
        XCTAssertEqual(old.feedback, [])
        XCTAssertTrue(old.text().contains("none stored (the file was written before they were; rule frsf rebuilds them from the seed)"), old.text())
        try TinyRun.write(to: directory.file("circuit.h5"), compare: false)
        let circuit = try RunInspection(path: directory.file("circuit.h5")).text()
        XCTAssertTrue(circuit.contains("feedback       none (rule circuit owns no feedback projections)"), circuit)
    }
}
