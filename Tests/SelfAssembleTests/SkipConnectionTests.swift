import SelfAssemble
import XCTest

/// dtp-skip's forward skip connections S_l: U_{l-2} -> U_l (Im, Patil, Branson 2019): they start
/// at zero, so the first step is taken by the network every rule starts from; they learn by
/// dS_l = -delta_l h_{l-2}^T with W's rate and decay; and once learned they are part of the
/// network wherever it is evaluated (the forward pass, test accuracy, bp's reference gradient of
/// the metrics).
final class SkipConnectionTests: XCTestCase {
    static let architecture = try! Architecture(sizes: [16, 20, 12, 6], ratios: [2])

    /// A batch of the small task of ``LearningRuleTests``.
    static func batch(_ count: Int = 32) -> (Matrix, [Int]) {
        let train = LearningRuleTests.data().train.subset(0..<count)
        return (train.inputs, train.labels)
    }

    /// `circuit` with every S_l (l >= 3) set to random values of W_l's scale.
    static func withRandomSkips(_ circuit: Circuit, seed: UInt64) -> Circuit {
        var c = circuit
        var rng = Xoshiro256StarStar(seed: seed, stream: 77)
        let n = c.architecture.upstreamSizes
        for l in stride(from: 3, through: c.levels, by: 1) {
            c.feedback[FeedbackName.S(l)] = Matrix(normal: n[l], n[l - 2], std: Float((2.0 / Double(n[l - 2])).squareRoot()), using: &rng)
        }
        return c
    }

    /// Rows of a matrix in double precision.
    static func rows(_ m: Matrix) -> [[Double]] { (0..<m.rows).map { r in (0..<m.cols).map { Double(m[r, $0]) } } }

    /// The network written out in double precision: z_l = W_l h_{l-1} + S_l h_{l-2} + b_l (S_l
    /// only where `skips` and the circuit has it), relu below the top. Returns z_1 ... z_L and h_0 ... h_L.
    static func handForward(_ c: Circuit, _ x: Matrix, skips: Bool = true) -> (z: [[[Double]]], h: [[[Double]]]) {
        var h = [rows(x)], z = [rows(x)]
        for l in 1...c.levels {
            let W = rows(c[l].W)
            let S = skips ? c.skipConnection(into: l).map(rows) : nil
            let zl = h[l - 1].indices.map { s in
                W.indices.map { i -> Double in
                    var v = Double(c[l].b[i]) + zip(W[i], h[l - 1][s]).map(*).reduce(0, +)
                    if let S { v += zip(S[i], h[l - 2][s]).map(*).reduce(0, +) }
                    return v
                }
            }
            z.append(zl)
            h.append(l < c.levels ? zl.map { $0.map { max(0, $0) } } : zl)
        }
        return (z, h)
    }

    static func matrix(_ v: [[Double]]) -> Matrix {
        Matrix(rows: v.count, cols: v.first?.count ?? 0, values: v.flatMap { $0.map(Float.init) })
    }

    func testSkipConnectionsStartAtZeroSoTheFirstStepIsTakenByDTPsNetwork() throws {
        let base = Circuit(randomFor: Self.architecture, seed: 5)
        let dtp = DifferenceTargetPropagationRule(), skip = DifferenceTargetPropagationRule(skip: true)
        var withSkip = base, plain = base
        withSkip.feedback = skip.initialFeedback(for: base, seed: 5)
        plain.feedback = dtp.initialFeedback(for: base, seed: 5)
        XCTAssertEqual(withSkip.feedback["S_3"], Matrix(zeros: 6, 20), "S_3: U_1 -> U_3, n_3 x n_1, zero")
        XCTAssertEqual(withSkip.feedback["Q_2"], plain.feedback["Q_2"], "S_l draws nothing from the seed")
        for kind in RuleKind.allCases where kind != .dtpSkip {
            let names = kind.makeRule(dynamics: CircuitDynamics()).initialFeedback(for: base, seed: 5).keys
            XCTAssertFalse(names.contains { $0.hasPrefix("S_") }, "\(kind.rawValue) has no skip connection")
        }

        // The network and its function are dtp's.
        let (x, y) = Self.batch()
        let a = AscendingActivity(circuit: withSkip, input: x), b = AscendingActivity(circuit: plain, input: x)
        XCTAssertEqual(a.z, b.z)
        XCTAssertEqual(a.h, b.h)

        // The first update: the top two levels as dtp's exactly (level 1 also takes the skip
        // inverse's correction), and every level as without S_3 (the targets alone).
        let pSkip = skip.plasticity(of: withSkip, input: x, labels: y)
        let pDTP = dtp.plasticity(of: plain, input: x, labels: y)
        for l in [2, 3] {
            XCTAssertEqual(pSkip[l].W, pDTP[l].W, "level \(l)")
            XCTAssertEqual(pSkip[l].b, pDTP[l].b, "level \(l)")
        }
        var targetsOnly = withSkip
        targetsOnly.feedback["S_3"] = nil
        let pTargets = skip.plasticity(of: targetsOnly, input: x, labels: y)
        for l in 1...3 { XCTAssertEqual(pSkip[l].W, pTargets[l].W, "level \(l)") }
        XCTAssertEqual(Array(pSkip.feedback.keys), ["S_3"])
        XCTAssertTrue(pDTP.feedback.isEmpty)
        XCTAssertTrue(pTargets.feedback.isEmpty)
        let settings = PlasticitySettings(etaW: 0.3, etaV: 0, weightDecay: 1e-4)
        var afterSkip = withSkip, afterTargets = targetsOnly
        afterSkip.apply(pSkip, settings: settings)
        afterTargets.apply(pTargets, settings: settings)
        XCTAssertEqual(afterSkip.synapses, afterTargets.synapses, "S_3 = 0 changes no forward weight")
        XCTAssertNotEqual(afterSkip.feedback["S_3"], Matrix(zeros: 6, 20), "S_3 learns from the first step")

        // A run starts from the same network and test accuracy as dtp's.
        let data = LearningRuleTests.data()
        let runSkip = try Simulation(configuration: LearningRuleTests.configuration(.dtpSkip), data: data)
        let runDTP = try Simulation(configuration: LearningRuleTests.configuration(.dtp), data: data)
        XCTAssertEqual(runSkip.circuit.synapses, runDTP.circuit.synapses)
        XCTAssertEqual(runSkip.testAccuracy(), runDTP.testAccuracy())
    }

    /// dS_l = -delta_l h_{l-2}^T (summed over the batch), delta_l = f'(z_l) * (h_l - t_l) / (beta B)
    /// below the top and e at it, written out by hand on a network of four levels with random S_3,
    /// S_4; then S_l <- (1 - lambda) S_l + eta_W dS_l, and nothing when W is not plastic.
    func testSkipUpdateIsMinusDeltaTimesTheRatesTwoLevelsBelow() throws {
        let rule = DifferenceTargetPropagationRule(skip: true)
        var circuit = Circuit(randomFor: try Architecture(sizes: [6, 5, 4, 4, 3], ratios: [2]), seed: 9)
        circuit.feedback = rule.initialFeedback(for: circuit, seed: 9)
        circuit = Self.withRandomSkips(circuit, seed: 9)
        let (x, y) = TestSupport.batch(rows: 7, features: 6, classes: 3, seed: 4)
        let up = AscendingActivity(circuit: circuit, input: x)
        // The engine's forward pass is the hand-written one with the skip connections.
        let hand = Self.handForward(circuit, x)
        for l in 1...4 { XCTAssertLessThan(TestSupport.relativeError(up.z[l], Self.matrix(hand.z[l])), 1e-5, "z_\(l)") }

        let err = ErrorSignal(logits: up.logits, labels: y, loss: .crossEntropy)
        let d = rule.targetDifferences(circuit, ascending: up, error: err.error)
        let B = Double(x.rows), beta = Double(rule.targetStep)
        let h = up.h.map(Self.rows), z = up.z.map(Self.rows)
        func delta(_ l: Int) -> [[Double]] {
            if l == 4 { return Self.rows(err.error) }
            return Self.rows(d[l]).enumerated().map { s, row in
                row.enumerated().map { i, v in (z[l][s][i] > 0 ? 1 : 0) * v / (beta * B) }
            }
        }
        let p = rule.plasticity(of: circuit, input: x, labels: y)
        XCTAssertEqual(p.feedback.keys.sorted(), ["S_3", "S_4"])
        for l in [3, 4] {
            let dl = delta(l)
            func outer(_ pre: [[Double]]) -> Matrix {
                Self.matrix(dl[0].indices.map { i in pre[0].indices.map { j in -dl.indices.map { s in dl[s][i] * pre[s][j] }.reduce(0, +) } })
            }
            let dS = try XCTUnwrap(p.feedback[FeedbackName.S(l)]).matrix
            XCTAssertEqual([dS.rows, dS.cols], [circuit.architecture.upstreamSizes[l], circuit.architecture.upstreamSizes[l - 2]])
            XCTAssertGreaterThan(BLAS.frobeniusNorm(dS), 0, "S_\(l)")
            XCTAssertLessThan(TestSupport.relativeError(dS, outer(h[l - 2])), 1e-5, "dS_\(l) = -delta_\(l) h_\(l - 2)^T")
            XCTAssertLessThan(TestSupport.relativeError(p[l].W!, outer(h[l - 1])), 1e-5, "dW_\(l) = -delta_\(l) h_\(l - 1)^T, the same delta")
        }

        let settings = PlasticitySettings(etaW: 0.3, etaV: 0, weightDecay: 1e-3)
        var stepped = circuit
        stepped.apply(p, settings: settings)
        for l in [3, 4] {
            var expected = circuit.feedback[FeedbackName.S(l)]!
            BLAS.scale(1 - 1e-3, &expected)
            BLAS.axpy(0.3, p.feedback[FeedbackName.S(l)]!.matrix, &expected)
            XCTAssertLessThan(TestSupport.relativeError(stepped.feedback[FeedbackName.S(l)]!, expected), 1e-6, "S_\(l) after the step")
        }
        var frozen = circuit
        frozen.apply(p, settings: PlasticitySettings(etaW: 0.3, etaV: 0, weightDecay: 1e-3, plastic: [.V, .Vbar, .Wbar]))
        XCTAssertEqual(frozen.feedback, circuit.feedback, "S_l learns with W, and not when W is frozen")
    }

    /// After training S_3 is far from zero and the engine's logits, and so its test accuracy,
    /// are those of the hand-written network with the skip connection, not without it.
    func testTrainedSkipConnectionsAreInTheNetworkThatIsEvaluated() throws {
        let data = LearningRuleTests.data()
        var simulation = try Simulation(configuration: LearningRuleTests.configuration(.dtpSkip, epochs: 3), data: data)
        let summary = try simulation.run()
        let circuit = summary.finalCircuit
        let S = try XCTUnwrap(circuit.feedback["S_3"])
        XCTAssertGreaterThan(BLAS.frobeniusNorm(S), 0.1 * BLAS.frobeniusNorm(circuit[3].W), "S_3 has learned")

        let test = data.test
        let logits = AscendingActivity(circuit: circuit, input: test.inputs).logits
        let hand = Self.matrix(Self.handForward(circuit, test.inputs).h[3])
        let withoutSkip = Self.matrix(Self.handForward(circuit, test.inputs, skips: false).h[3])
        XCTAssertLessThan(TestSupport.relativeError(logits, hand), 1e-5)
        XCTAssertGreaterThan(TestSupport.relativeError(logits, withoutSkip), 0.05, "S_3 h_1 is a real part of the logits")
        let handAccuracy = Double(zip(hand.argmaxOfRows(), test.labels).filter { $0 == $1 }.count) / Double(test.count)
        XCTAssertEqual(summary.finalTestAccuracy, handAccuracy, accuracy: 1.0 / Double(test.count) + 1e-12)
        XCTAssertEqual(summary.finalTestAccuracy, accuracy(of: circuit, on: test))
        XCTAssertGreaterThan(summary.finalTestAccuracy, 0.6)
    }

    /// bp's reference error (alignment_bp of the metrics) follows the skip path too:
    /// delta_1 = f'(z_1) * (W_2^T delta_2 + S_3^T delta_3); its gradients of W_l and of S_3
    /// (-delta_3 h_1^T) match finite differences of the loss of the network with S_3.
    func testBackpropThroughTheSkipConnectionMatchesFiniteDifferences() {
        var circuit = TestSupport.circuit(sizes: [6, 5, 4, 3], seed: 3)
        circuit = Self.withRandomSkips(circuit, seed: 3)
        let (x, y) = TestSupport.batch(rows: 7, features: 6, classes: 3, seed: 4)
        let up = AscendingActivity(circuit: circuit, input: x)
        let err = ErrorSignal(logits: up.logits, labels: y, loss: .crossEntropy)
        let bp = BackpropagatedError(circuit: circuit, ascending: up, error: err.error)
        let eps: Float = 1e-3
        func numeric(_ rows: Int, _ cols: Int, _ perturb: (inout Circuit, Int, Int, Float) -> Void) -> Matrix {
            var m = Matrix(zeros: rows, cols)
            for r in 0..<rows {
                for c in 0..<cols {
                    var plus = circuit, minus = circuit
                    perturb(&plus, r, c, eps)
                    perturb(&minus, r, c, -eps)
                    m[r, c] = Float((TestSupport.loss(plus, x, y) - TestSupport.loss(minus, x, y)) / Double(2 * eps))
                }
            }
            return m
        }
        for l in 1...3 {
            let grad = bp.gradientW(level: l, ascending: up)
            let fd = numeric(grad.rows, grad.cols) { c, r, col, e in c[l].W[r, col] += e }
            XCTAssertLessThan(TestSupport.relativeError(grad, fd), 2e-3, "W_\(l)")
        }
        let gradS = BLAS.product(bp.delta[3], transposeA: true, up.h[1])
        let fdS = numeric(gradS.rows, gradS.cols) { c, r, col, e in c.feedback["S_3"]![r, col] += e }
        XCTAssertLessThan(TestSupport.relativeError(gradS, fdS), 2e-3, "S_3")
        // Without the skip path in delta_1, W_1's gradient would be wrong.
        var noSkip = circuit
        noSkip.feedback = [:]
        let plain = BackpropagatedError(circuit: noSkip, ascending: up, error: err.error)
        XCTAssertGreaterThan(TestSupport.relativeError(plain.gradientW(level: 1, ascending: up), bp.gradientW(level: 1, ascending: up)), 0.05)
    }
}
