import SelfAssemble
import XCTest

/// Backpropagation is exact, and once the motif is in place the circuit's own update is
/// dW_l = -eta H_l grad_{W_l} at every level, the top included (model.md version 2: the top
/// level learns from its apical input); with the top taught by the error (version 1) it is
/// -eta grad at the top.
final class GradientTests: XCTestCase {
    func testBackpropMatchesFiniteDifferences() {
        for activation in Activation.allCases { checkBackprop(activation: activation) }
    }

    private func checkBackprop(activation: Activation) {
        let circuit = TestSupport.circuit(sizes: [6, 5, 4, 3], seed: 3)
        let (x, y) = TestSupport.batch(rows: 7, features: 6, classes: 3, seed: 4)
        let dynamics = CircuitDynamics(upstreamActivation: activation)
        let p = BackpropRule(dynamics: dynamics).plasticity(of: circuit, input: x, labels: y)
        // Small enough that no perturbation moves a unit across relu's kink (some z are ~0.004).
        let eps: Float = 1e-3
        for l in 1...circuit.levels {
            let minusGrad = p[l].W!
            var numeric = Matrix(zeros: minusGrad.rows, minusGrad.cols)
            for r in 0..<minusGrad.rows {
                for c in 0..<minusGrad.cols {
                    var plus = circuit, minus = circuit
                    plus[l].W[r, c] += eps
                    minus[l].W[r, c] -= eps
                    let d = (TestSupport.loss(plus, x, y, activation) - TestSupport.loss(minus, x, y, activation)) / Double(2 * eps)
                    numeric[r, c] = Float(-d)
                }
            }
            XCTAssertLessThan(TestSupport.relativeError(minusGrad, numeric), 2e-3, "level \(l), \(activation): bp gradient vs finite differences")
            // The bias gradient too.
            for i in 0..<circuit[l].b.count {
                var plus = circuit, minus = circuit
                plus[l].b[i] += eps
                minus[l].b[i] -= eps
                let d = (TestSupport.loss(plus, x, y, activation) - TestSupport.loss(minus, x, y, activation)) / Double(2 * eps)
                XCTAssertEqual(Double(p[l].b![i]), -d, accuracy: 2e-3 * max(1, abs(d)), "level \(l) bias \(i)")
            }
        }
    }

    func testAssembledMotifComputesTheMatrixLearningRateGradient() {
        for activation in [Activation.relu, .tanh] {
            for top in TopTeaching.allCases { checkAssembledMotif(upstream: activation, top: top) }
        }
    }

    private func checkAssembledMotif(upstream: Activation, top: TopTeaching) {
        let dynamics = CircuitDynamics(upstreamActivation: upstream)
        var circuit = TestSupport.circuit(sizes: [12, 16, 14, 10, 5], ratio: 2, seed: 5)
        // Assemble the motif by hand: V_l = Vbar_l^T, Wbar_l = W_l^T pinv(V_l).
        for l in 1...circuit.levels {
            circuit[l].V = circuit[l].Vbar.transposed
            if l >= 2 {
                circuit[l].Wbar = BLAS.product(circuit[l].W, transposeA: true, TestSupport.pseudoInverse(circuit[l].V))
            }
        }
        let (x, y) = TestSupport.batch(rows: 9, features: 12, classes: 5, seed: 6)
        let eta: Float = 0.05
        let rates = PlasticitySettings(etaW: eta, etaV: 0, weightDecay: 0)
        var updatedByCircuit = circuit
        updatedByCircuit.apply(CircuitRule(dynamics: dynamics, topTeaching: top).plasticity(of: circuit, input: x, labels: y),
                               settings: rates)
        let bp = BackpropRule(dynamics: dynamics).plasticity(of: circuit, input: x, labels: y)
        for l in 1...circuit.levels {
            var dW = updatedByCircuit[l].W
            BLAS.axpy(-1, circuit[l].W, &dW)
            let minusGrad = bp[l].W!
            // Taught by the error (version 1), the top level's learning-rate matrix is the identity.
            let byError = l == circuit.levels && top == .error
            let H = byError ? identity(minusGrad.rows) : circuit.learningRateMatrix(level: l)
            let expected = BLAS.product(H, minusGrad, alpha: eta)
            XCTAssertLessThan(TestSupport.relativeError(dW, expected), 1e-4, "level \(l), \(upstream), top \(top): dW vs -eta H grad")
            if l == circuit.levels && top == .apical {
                // H_L is not a multiple of the identity: the apical top really differs from -grad.
                XCTAssertGreaterThan(TestSupport.relativeError(dW, BLAS.product(identity(minusGrad.rows), minusGrad, alpha: eta)), 0.05)
            }
        }
        // And the monitor sees it: alignment_H is 1 at every level.
        let monitor = MotifMonitor(probeInput: x, probeLabels: y, dynamics: dynamics, topTeaching: top)
        for m in monitor.measure(circuit) {
            XCTAssertEqual(m.alignmentH, 1, accuracy: 1e-5, "alignment_H at level \(m.level)")
            XCTAssertEqual(m.reciprocity, 1, accuracy: 1e-6)
            if let d = m.descending { XCTAssertEqual(d, 1, accuracy: 1e-4) }
        }
    }

    func testRandomCircuitIsNotAligned() {
        let circuit = TestSupport.circuit(sizes: [64, 128, 128, 10], seed: 7)
        let (x, y) = TestSupport.batch(rows: 64, features: 64, classes: 10, seed: 8)
        let monitor = MotifMonitor(probeInput: x, probeLabels: y, dynamics: CircuitDynamics())
        for m in monitor.measure(circuit) {
            // Cosines of independent random matrices scatter as 1/sqrt(entries): 3.5 sigma bounds.
            let sigma = 1 / Double(circuit[m.level].V.count).squareRoot()
            XCTAssertLessThan(abs(m.reciprocity), 3.5 * sigma, "reciprocity starts near 0 at level \(m.level)")
            if let d = m.descending { XCTAssertLessThan(abs(d), 0.15, "descending starts near 0 at level \(m.level)") }
            if m.level < circuit.levels { XCTAssertLessThan(abs(m.alignmentH), 0.3, "alignment_H starts near 0 at level \(m.level)") }
        }
    }

    private func identity(_ n: Int) -> Matrix {
        var m = Matrix(zeros: n, n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }
}
