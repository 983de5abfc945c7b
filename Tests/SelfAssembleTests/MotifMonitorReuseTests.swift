import XCTest
@testable import SelfAssemble

/// The motif monitor reuses H_l, its spectrum and reciprocity_l while V_l and Vbar_l are
/// unchanged: the reuse must never return the metrics of a pair that has changed since.
final class MotifMonitorReuseTests: XCTestCase {
    func testChangedPairsAreMeasuredAgainAndUnchangedOnesGiveTheSameMetrics() {
        var circuit = TestSupport.circuit(sizes: [12, 16, 14, 5], ratio: 2, seed: 3)
        let (x, y) = TestSupport.batch(rows: 9, features: 12, classes: 5, seed: 4)
        let monitor = MotifMonitor(probeInput: x, probeLabels: y, dynamics: CircuitDynamics())
        func fresh() -> [LevelMotifMetrics] { MotifMonitor(probeInput: x, probeLabels: y, dynamics: CircuitDynamics()).measure(circuit) }

        let first = monitor.measure(circuit)
        XCTAssertEqual(monitor.measure(circuit), first, "an unchanged circuit measures the same")

        // Change V_2 and Vbar_1 in place (same shapes), and W_3 (not part of any pair).
        BLAS.scale(0.5, &circuit[2].V)
        circuit[2].V[0, 0] += 1
        circuit[1].Vbar = circuit[1].V.transposed
        BLAS.scale(2, &circuit[3].W)
        let second = monitor.measure(circuit)
        XCTAssertEqual(second, fresh(), "every metric as a new monitor measures it")
        XCTAssertNotEqual(second[0].reciprocity, first[0].reciprocity)
        XCTAssertEqual(second[0].reciprocity, 1, accuracy: 1e-6, "Vbar_1 = V_1^T now")
        XCTAssertNotEqual(second[0].spectrum, first[0].spectrum, "H_1 = Vbar_1 Vbar_1^T changed with Vbar_1")
        XCTAssertNotEqual(second[1].reciprocity, first[1].reciprocity)
        XCTAssertEqual(second[2].reciprocity, first[2].reciprocity, "level 3's pair is unchanged")
        XCTAssertEqual(second[2].spectrum, first[2].spectrum)
    }
}
