import Foundation
import SelfAssemble
import SelfAssembleExport
import SelfAssembleStore
import XCTest

/// The feedback pathways a rule owns (B_l of fa and Kolen-Pollack, Bdirect_l of dfa) are
/// exported as their own edge populations (SONATA: feedback_B, feedback_Bdirect; CSV: the kind
/// column), from U_l to U_{l-1} and from the top to level l; frSF's magnitudes R_l are not synapses.
final class FeedbackExportTests: XCTestCase {
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/check_sonata.py").path

    /// libsonata reads every population, the feedback ones included, and agrees with /feedback
    /// (the checker takes the expected edges from the run file's datasets and their attributes).
    func testLibsonataReadsTheFeedbackPopulations() throws {
        let python = try Program.pythonWithLibsonata()
        let directory = try ScratchDirectory()
        // Sizes 8, 6, 5, 3: B_2 is 6 x 5, B_3 5 x 3; Bdirect_1 6 x 3, Bdirect_2 5 x 3.
        for (rule, population, edges) in [(RuleKind.kolenPollack, "feedback_B", 6 * 5 + 5 * 3), (.dfa, "feedback_Bdirect", 6 * 3 + 5 * 3),
                                          (.frsf, "feedback_B", 6 * 5 + 5 * 3)] {
            let run = directory.file("\(rule.rawValue).h5")
            try ExportFixture.writeRun(to: run, rule: rule)
            let index = try RunReader(path: run).snapshotCount / 2
            let out = directory.file("\(rule.rawValue)-sonata")
            let result = try CircuitExporter.export(ExportRequest(runPath: run, format: .sonata, snapshot: .index(index), outputDirectory: out))
            XCTAssertEqual(result.edges.map(\.population), ["W", "V", "Vbar", "Wbar", population], "\(rule): R_l is not exported")
            XCTAssertEqual(result.edges.last?.count, edges)
            let check = try Program.run(python, [Self.script, run, out, String(index), "0"])
            XCTAssertEqual(check.status, 0, "\(rule): libsonata disagrees: \(check.output)")
            let json = try XCTUnwrap(try? JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.output)
            let checked = try XCTUnwrap(json["checked"] as? [String: Any])
            XCTAssertEqual((checked["edge_populations"] as? [String: Int])?[population], edges, "\(rule): \(check.stdout)")

            let edgeTypes = try String(contentsOfFile: out + "/edge_types.csv", encoding: .utf8).split(separator: "\n").map(String.init)
            let config = try String(contentsOfFile: out + "/circuit_config.json", encoding: .utf8)
            XCTAssertTrue(config.contains("\"\(population)\": {\"type\": \"chemical\"}"), config)
            // After the 11 projections of the circuit (edge types 0 ... 10).
            if rule == .dfa {
                XCTAssertEqual(Array(edgeTypes.suffix(2)), ["11 feedback_Bdirect Bdirect_1 Bdirect 1 U_3 U_1 none",
                                                            "12 feedback_Bdirect Bdirect_2 Bdirect 2 U_3 U_2 none"])
            } else {
                XCTAssertEqual(Array(edgeTypes.suffix(2)), ["11 feedback_B B_2 B 2 U_2 U_1 none", "12 feedback_B B_3 B 3 U_3 U_2 none"])
            }
        }
    }

    /// dtp-skip's pathways: the inverses Q_l (U_l -> U_{l-1}), the skip inverse Qskip_3
    /// (U_3 -> U_1) and the forward skip connection S_3 (U_1 -> U_3), each kind its own edge
    /// population, read by libsonata as the run file holds them; the biases c_l are not synapses.
    func testLibsonataReadsDTPSkipsForwardSkipConnection() throws {
        let python = try Program.pythonWithLibsonata()
        let directory = try ScratchDirectory()
        let run = directory.file("dtp-skip.h5")
        try ExportFixture.writeRun(to: run, rule: .dtpSkip)
        let index = try RunReader(path: run).snapshotCount - 1
        let out = directory.file("dtp-skip-sonata")
        let result = try CircuitExporter.export(ExportRequest(runPath: run, format: .sonata, snapshot: .index(index), outputDirectory: out))
        // Sizes 8, 6, 5, 3: Q_2 6 x 5, Q_3 5 x 3; Qskip_3 6 x 3; S_3 3 x 6.
        XCTAssertEqual(result.edges.map(\.population), ["W", "V", "Vbar", "Wbar", "feedback_Q", "feedback_Qskip", "feedback_S"])
        XCTAssertEqual(result.edges.suffix(3).map(\.count), [6 * 5 + 5 * 3, 6 * 3, 3 * 6])
        let check = try Program.run(python, [Self.script, run, out, String(index), "0"])
        XCTAssertEqual(check.status, 0, "libsonata disagrees: \(check.output)")
        let json = try XCTUnwrap(try? JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.output)
        let checked = try XCTUnwrap(json["checked"] as? [String: Any])
        XCTAssertEqual((checked["edge_populations"] as? [String: Int])?["feedback_S"], 3 * 6, check.stdout)
        let edgeTypes = try String(contentsOfFile: out + "/edge_types.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(edgeTypes.last, "14 feedback_S S_3 S 3 U_1 U_3 none", "from U_1 up to U_3")
    }

    /// The CSV rows of B_2 go from U_2 to U_1 and hold the stored matrix, entry [r, c] from cell c to cell r.
    func testCSVRowsOfTheFeedbackHoldTheStoredMatrices() throws {
        let directory = try ScratchDirectory()
        let run = directory.file("kp.h5")
        try ExportFixture.writeRun(to: run, rule: .kolenPollack)
        let reader = try RunReader(path: run)
        let last = reader.snapshotCount - 1
        try CircuitExporter.export(ExportRequest(runPath: run, format: .csv, snapshot: .last, outputDirectory: directory.file("csv")))
        let lines = try String(contentsOfFile: directory.file("csv/edges.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        let feedback = lines.filter { $0.split(separator: ",")[4] == "feedback_B" }
        XCTAssertEqual(feedback.count, 6 * 5 + 5 * 3)
        for (name, source, target) in [("B_2", "U_2", "U_1"), ("B_3", "U_3", "U_2")] {
            let b = try reader.feedback(name, snapshot: last)
            for r in 0..<b.rows {
                for c in 0..<b.cols {
                    let prefix = "\(source),\(c),\(target),\(r),feedback_B,"
                    let row = try XCTUnwrap(feedback.first { $0.hasPrefix(prefix) }, "\(name)[\(r), \(c)]")
                    XCTAssertEqual(Float(row.dropFirst(prefix.count))?.bitPattern, b[r, c].bitPattern, "\(name)[\(r), \(c)]")
                }
            }
        }
        // The circuit's rows are unchanged: W, V, Vbar, Wbar come first.
        XCTAssertEqual(lines.count - 1 - feedback.count, try reader.architecture().projections.reduce(0) { $0 + $1.rows * $1.cols })
    }
}
