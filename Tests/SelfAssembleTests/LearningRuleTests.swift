import SelfAssemble
import XCTest

final class LearningRuleTests: XCTestCase {
    private func run(etaV: Float) throws -> (afterDevelopment: Circuit, end: Circuit) {
        var c = SimulationConfiguration()
        c.sizes = [12, 16, 6]
        c.developmentSteps = 40
        c.epochs = 2
        c.batch = 16
        c.etaV = etaV
        var task = GaussianClusters(features: 12, classes: 6)
        task.trainSamples = 160
        task.testSamples = 40
        var simulation = try Simulation(configuration: c, data: task.generate(seed: 2))
        var afterDevelopment: Circuit?
        let summary = try simulation.run { event in
            if case .snapshot(let s) = event, s.step == 40 { afterDevelopment = s.circuit }
        }
        return (try XCTUnwrap(afterDevelopment), summary.finalCircuit)
    }

    /// With eta_V = 0 (the default) V and Vbar are fixed after development; with eta_V > 0 they
    /// go on learning by the reciprocal Hebbian rule, the same update transposed.
    func testEtaVDecidesWhetherTheReciprocalPairLearns() throws {
        let fixed = try run(etaV: 0)
        XCTAssertEqual(fixed.end[1].V, fixed.afterDevelopment[1].V)
        XCTAssertEqual(fixed.end[2].Vbar, fixed.afterDevelopment[2].Vbar)
        let learning = try run(etaV: 0.01)
        XCTAssertNotEqual(learning.end[1].V, learning.afterDevelopment[1].V)
        XCTAssertNotEqual(learning.end[2].Vbar, learning.afterDevelopment[2].Vbar)
        XCTAssertEqual(learning.afterDevelopment, fixed.afterDevelopment, "eta_V acts in learning only")
    }

    func testTheCircuitRuleComputesTheReciprocalPairOnlyWhenAsked() {
        let circuit = TestSupport.circuit(sizes: [6, 5, 3], seed: 1)
        let (x, y) = TestSupport.batch(rows: 4, features: 6, classes: 3, seed: 2)
        let with = CircuitRule(learnsReciprocalPair: true).plasticity(of: circuit, input: x, labels: y)
        let without = CircuitRule(learnsReciprocalPair: false).plasticity(of: circuit, input: x, labels: y)
        for l in 1...2 {
            XCTAssertEqual(with[l].Vbar, with[l].V?.transposed, "dVbar_l = dV_l^T")
            XCTAssertNil(without[l].V)
            XCTAssertEqual(with[l].W, without[l].W)
            XCTAssertEqual(with[l].Wbar, without[l].Wbar)
        }
    }
}
