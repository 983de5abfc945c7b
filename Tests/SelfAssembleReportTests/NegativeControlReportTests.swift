import Foundation
import SelfAssembleReport
import SelfAssembleStore
import XCTest

/// Acceptance on the negative control (development off, V and Vbar frozen): no assembly and
/// no over-representation.
///
/// Why |z| < 4: under the null a z-score is roughly standard normal for levels with enough
/// synapses (levels 1 and 2: about 160 chance pairs and 210 chance motifs), so |z| >= 4 has a
/// chance of about 1 in 16,000 per count; the digits run reaches z > 100. The top level (10 x 20
/// cells, about one chance pair) is too small for a normal null: the report flags it ("few
/// counts") and the test checks its verdict only.
///
/// The control as given diverges at step 32: its last snapshot holds the last finite weights
/// of a runaway circuit (|W| ~ 1e13), where W_2 and Wbar_2, driven by the same runaway
/// activity, line up their signs with the frozen V_2 (the four-synapse count of level 2 there is
/// far from its null). The report says so and does not call the motif over-represented, since
/// the reciprocal pairs it would close are at chance. The same control at a learning rate that
/// does not diverge (eta_W = 0.005; 0.02 diverges too, at step 129, as the top level learns from
/// a random apical input) shows no over-representation of either count.
final class NegativeControlReportTests: XCTestCase {
    private static let reports: Result<(diverging: MotifReport, gentle: MotifReport), Error> = Result {
        (try MotifReport.make(from: try RunReader(path: try SharedRuns.control())),
         try MotifReport.make(from: try RunReader(path: try SharedRuns.gentleControl())))
    }

    func testNoAssembly() throws {
        let (diverging, gentle) = try Self.reports.get()
        for report in [diverging, gentle] {
            for level in report.levels {
                XCTAssertNil(level.assembly.onsetStep, "level \(level.level)")
                XCTAssertNil(level.assembly.fileOnsetStep)
                XCTAssertEqual(level.assembly.shortfall?.metric, "reciprocity", "V and Vbar are frozen: reciprocity stays at chance")
                XCTAssertLessThan(abs(level.assembly.shortfall?.lastValue ?? 99), 0.2)
            }
            XCTAssertNil(report.timeline.endOfDevelopment)
            XCTAssertEqual(report.keySnapshots.map(\.roles), [[.start], [.end]], "no end-of-development snapshot")
        }
    }

    func testNoOverRepresentation() throws {
        let (diverging, gentle) = try Self.reports.get()
        for report in [diverging, gentle] {
            for level in report.levels {
                for m in level.motifs {
                    let at = "level \(level.level), step \(m.step)"
                    XCTAssertFalse(m.motifOverRepresented, at)
                    XCTAssertFalse(m.reciprocalPairsOverRepresented, at)
                    if !m.smallCounts { XCTAssertLessThan(abs(m.reciprocalPairs.z ?? 99), 4, at) }
                }
                let start = try XCTUnwrap(level.motifs(at: .start))
                if let four = start.fourSynapseMotifs, !start.smallCounts {
                    XCTAssertLessThan(abs(four.signed.z ?? 99), 4, "level \(level.level) at the start")
                }
            }
        }
        // Without divergence, neither count departs from the null at any snapshot.
        for level in gentle.levels {
            for m in level.motifs where !m.smallCounts {
                if let four = m.fourSynapseMotifs {
                    XCTAssertLessThan(abs(four.signed.z ?? 99), 4, "gentle control, level \(level.level), step \(m.step)")
                    XCTAssertFalse(m.fourSynapseMotifsOverRepresented ?? true)
                }
            }
        }
        XCTAssertTrue(gentle.levels[1].motifs.allSatisfy { !$0.smallCounts }, "level 2 is tested, not skipped")
    }

    func testDivergenceIsReported() throws {
        let (diverging, gentle) = try Self.reports.get()
        let step = try XCTUnwrap(diverging.run.divergedAtStep)
        XCTAssertEqual(diverging.keySnapshot(.end)?.step, step, "the run stopped at its divergence")
        XCTAssertTrue(diverging.warnings.contains { $0.contains("diverged at step \(step)") && $0.contains("runaway") })
        XCTAssertNil(gentle.run.divergedAtStep)
        XCTAssertFalse(gentle.warnings.contains { $0.contains("diverged") })
    }

    /// With the default 100 null samples: at the top level (about one chance pair) 10 samples
    /// estimate the null's spread too roughly to judge (the random circuit's 4 pairs against 1.0
    /// expected give z 3.2 with 100 samples, 4.0 with 10).
    func testTerminalSummarySaysSo() throws {
        let result = try CLI.run(["report", try SharedRuns.control()])
        XCTAssertEqual(result.status, 0, result.stderr)
        for l in 1...3 {
            XCTAssertTrue(result.stdout.contains("level \(l): not assembled (reciprocity stayed short"), result.stdout)
        }
        XCTAssertTrue(result.stdout.contains("level 1: reciprocal pairs z"), result.stdout)
        XCTAssertEqual(result.stdout.components(separatedBy: "motif not over-represented").count - 1, 2, result.stdout)
        XCTAssertTrue(result.stdout.contains("reciprocal pairs not over-represented"), result.stdout)
        XCTAssertTrue(result.stdout.contains("warning: Learning diverged at step"), result.stdout)
    }
}
