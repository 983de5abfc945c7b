import Foundation
import SelfAssemble
import XCTest

/// The defining properties of the target-propagation rules (issue 11's acceptance): GAIT-prop's
/// update is bp's when the weights are orthogonal and the inverses exact (and follows the
/// paper's small-perturbation targets); DTP's and dtp-skip's learned inverses come to
/// reconstruct the levels below; dtp-skip's lower targets take the mean of the path through
/// Q_l and the skip path through Qskip_{l+1}. Each rule learns the small task of
/// ``LearningRuleTests``.
final class TargetPropagationRuleTests: XCTestCase {
    // MARK: GAIT-prop

    /// Rows of a random matrix made orthonormal (Gram-Schmidt), or its columns when it is taller than wide.
    static func orthonormal(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed, stream: 42)
        let tall = rows > cols
        let (n, m) = tall ? (cols, rows) : (rows, cols)
        var v = (0..<n).map { _ in (0..<m).map { _ in rng.nextNormal() } }
        for i in 0..<n {
            for j in 0..<i {
                let dot = zip(v[i], v[j]).map(*).reduce(0, +)
                for k in 0..<m { v[i][k] -= dot * v[j][k] }
            }
            let norm = v[i].map { $0 * $0 }.reduce(0, +).squareRoot()
            for k in 0..<m { v[i][k] /= norm }
        }
        let flat = Matrix(rows: n, cols: m, values: v.flatMap { $0.map(Float.init) })
        return tall ? flat.transposed : flat
    }

    /// A circuit of sizes 8, 12, 12, 6 with orthogonal W_l (orthonormal rows, or columns for the
    /// widening level 1), small biases, and Q_l the exact inverse W_l^T.
    static func orthogonalCircuit() -> Circuit {
        var circuit = TestSupport.circuit(sizes: [8, 12, 12, 6], seed: 3)
        for l in 1...3 {
            let W = orthonormal(circuit[l].W.rows, circuit[l].W.cols, seed: UInt64(l))
            circuit[l].W = W
            circuit[l].b = (0..<W.rows).map { Float($0 % 3) * 0.05 }
        }
        for l in 2...3 {
            circuit.feedback[FeedbackName.Q(l)] = circuit[l].W.transposed
            circuit.feedback[FeedbackName.c(l)] = Matrix(zeros: 1, circuit[l].W.cols)
        }
        return circuit
    }

    func testGaitPropEqualsBackpropForOrthogonalWeightsAndExactInverses() {
        let circuit = Self.orthogonalCircuit()
        for l in 1...3 { XCTAssertLessThan(GaitPropRule.nonOrthogonality(circuit[l].W), 1e-10) }
        let (x, y) = TestSupport.batch(rows: 24, features: 8, classes: 6, seed: 4)
        let gait = GaitPropRule().plasticity(of: circuit, input: x, labels: y)
        let bp = BackpropRule().plasticity(of: circuit, input: x, labels: y)
        for l in 1...3 {
            XCTAssertGreaterThan(cosineSimilarity(gait[l].W!, bp[l].W!), 0.9999, "level \(l)")
            XCTAssertLessThan(TestSupport.relativeError(gait[l].W!, bp[l].W!), 1e-4, "level \(l)")
        }

        // Not orthogonal: with the exact (pseudo-)inverses in place of W_l^T the update is not bp's.
        var skewed = circuit
        for l in 2...3 {
            var W = skewed[l].W
            for r in 0..<W.rows { for c in 0..<W.cols { W[r, c] *= 1 + 0.8 * Float((r + 2 * c) % 3) } }
            skewed[l].W = W
            skewed.feedback[FeedbackName.Q(l)] = TestSupport.pseudoInverse(W.transposed).transposed
        }
        let gaitSkewed = GaitPropRule(orthogonality: 0).plasticity(of: skewed, input: x, labels: y)
        let bpSkewed = BackpropRule().plasticity(of: skewed, input: x, labels: y)
        XCTAssertLessThan(cosineSimilarity(gaitSkewed[1].W!, bpSkewed[1].W!), 0.99, "an inverse is not the transpose")
        XCTAssertEqual(cosineSimilarity(gaitSkewed[3].W!, bpSkewed[3].W!), 1, accuracy: 1e-5, "the top learns from e as bp")
    }

    /// The paper's algorithm written out literally in double precision (targets mixed in with
    /// gamma f'^2, inverted through f^{-1} = atanh and Q_l = W_l^{-1}, the perturbation divided by
    /// gamma per level) with tanh cells and a small gamma gives the rule's update.
    func testGaitPropFollowsThePapersSmallPerturbationTargets() {
        let circuit = Self.orthogonalCircuit()
        let dynamics = CircuitDynamics(upstreamActivation: .tanh)
        let (x, y) = TestSupport.batch(rows: 16, features: 8, classes: 6, seed: 5)
        let up = AscendingActivity(circuit: circuit, input: x, activation: .tanh)
        let err = ErrorSignal(logits: up.logits, labels: y, loss: .crossEntropy)
        let gamma = 1e-3, B = Double(x.rows), L = 3
        func rows(_ m: Matrix) -> [[Double]] { (0..<m.rows).map { r in (0..<m.cols).map { Double(m[r, $0]) } } }
        let h = up.h.map(rows), z = up.z.map(rows)
        // t_L = h_L - e_s; perturbations kept in double.
        var target = zip(h[L], rows(err.error)).map { hr, er in zip(hr, er).map { $0 - $1 * B } }
        var delta = [[[Double]]](repeating: [], count: L + 1)
        delta[L] = rows(err.error).map { $0.map { $0 * B } }
        var scale = 1.0
        for l in stride(from: L, through: 2, by: -1) {
            let Q = rows(ErrorFeedback.matrix(circuit, FeedbackName.Q(l)))
            var below = [[Double]]()
            for s in 0..<x.rows {
                // Mixed target, inverted through the activation (identity at the top) and Q_l, with
                // the difference correction (level 3 is not square): t = h + Q_l (f^{-1}(m) - f^{-1}(h)).
                let u = (0..<h[l][s].count).map { j -> Double in
                    if l == L { return -gamma * (h[l][s][j] - target[s][j]) }
                    let fp = 1 - h[l][s][j] * h[l][s][j]
                    let m = (1 - gamma * fp * fp) * h[l][s][j] + gamma * fp * fp * target[s][j]
                    // f^{-1}(h) in place of z: h was rounded to float, and the perturbation is gamma^2.
                    return atanh(m) - atanh(h[l][s][j])
                }
                below.append(Q.enumerated().map { i, row in h[l - 1][s][i] + zip(row, u).map(*).reduce(0, +) })
            }
            scale *= gamma
            delta[l - 1] = (0..<x.rows).map { s -> [Double] in
                (0..<below[s].count).map { j -> Double in
                    let t: Double = tanh(z[l - 1][s][j])
                    let gate: Double = 1 - t * t
                    return gate * (h[l - 1][s][j] - below[s][j]) / scale
                }
            }
            target = below
        }
        let rule = GaitPropRule(dynamics: dynamics, orthogonality: 0).plasticity(of: circuit, input: x, labels: y)
        for l in 1...L {
            var expected = Matrix(zeros: circuit[l].W.rows, circuit[l].W.cols)
            for s in 0..<x.rows {
                for i in 0..<expected.rows { for j in 0..<expected.cols {
                    expected[i, j] -= Float(delta[l][s][i] / B * h[l - 1][s][j])
                } }
            }
            XCTAssertGreaterThan(cosineSimilarity(rule[l].W!, expected), 0.999, "level \(l)")
            XCTAssertLessThan(TestSupport.relativeError(rule[l].W!, expected), 1e-2, "level \(l)")
        }
    }

    /// Trains a rule step by step as ``Simulation`` does, with `after` called after every step.
    static func train(_ rule: any LearningRule, epochs: Int, etaW: Float = 0.1, after: (Circuit, Int) -> Void = { _, _ in }) -> Circuit {
        let data = LearningRuleTests.data()
        var circuit = Circuit(randomFor: try! Architecture(sizes: [16, 20, 12, 6], ratios: [2]), seed: 5)
        circuit.feedback = rule.initialFeedback(for: circuit, seed: 5)
        let settings = PlasticitySettings(etaW: etaW, etaV: 0, weightDecay: 1e-4)
        var order = Xoshiro256StarStar(seed: 5, stream: 2)
        var step = 0
        for _ in 0..<epochs {
            let perm = order.permutation(data.train.count)
            for start in stride(from: 0, to: perm.count - 15, by: 16) {
                let batch = data.train.subset(perm[start..<(start + 16)])
                let context = FeedbackContext(seed: 5, step: step, input: batch.inputs, labels: batch.labels, settings: settings)
                rule.refreshFeedback(&circuit, context: context)
                let update = rule.plasticity(of: circuit, input: batch.inputs, labels: batch.labels)
                circuit.apply(update, settings: settings)
                rule.learnFeedback(&circuit, update: update, context: context)
                step += 1
                after(circuit, step)
            }
        }
        return circuit
    }

    func testGaitPropInverseLearnsAndTheRegulariserOrthogonalises() {
        let data = LearningRuleTests.data()
        let probe = data.train.subset(0..<64).inputs
        let rule = GaitPropRule()
        var circuit = Circuit(randomFor: try! Architecture(sizes: [16, 20, 12, 6], ratios: [2]), seed: 5)
        circuit.feedback = rule.initialFeedback(for: circuit, seed: 5)
        let before = rule.reconstructionError(of: circuit, input: probe, level: 2)
        // Q_l starts at about the scale of a random W_l's pseudo-inverse, W_l^T / 2: N(0, 1/(2 n_{l-1})).
        // (Set by n_l, the inverse of the narrow top was several times larger and MNIST diverged.)
        for (l, below) in [(2, 20), (3, 12)] {
            let q = circuit.feedback[FeedbackName.Q(l)]!
            XCTAssertEqual(BLAS.frobeniusNorm(q) / Double(q.count).squareRoot(), (1 / Double(2 * below)).squareRoot(), accuracy: 0.02)
        }
        let trained = Self.train(rule, epochs: 5)
        let after = rule.reconstructionError(of: trained, input: probe, level: 2)
        XCTAssertGreaterThan(before, 0.5, "random Q_2")
        XCTAssertLessThan(after, 0.2, "Q_2 inverts level 2 (before \(before))")
        // The regulariser makes W_2 more orthogonal than training without it.
        let free = Self.train(GaitPropRule(orthogonality: 0), epochs: 5)
        XCTAssertLessThan(GaitPropRule.nonOrthogonality(trained[2].W), 0.8 * GaitPropRule.nonOrthogonality(free[2].W))
    }

    // MARK: DTP and dtp-skip

    func testDTPInversesLearnToReconstructTheLevelsBelow() {
        let probe = LearningRuleTests.data().train.subset(0..<64).inputs
        for skip in [false, true] {
            let rule = DifferenceTargetPropagationRule(skip: skip)
            var initial = Circuit(randomFor: try! Architecture(sizes: [16, 20, 12, 6], ratios: [2]), seed: 5)
            initial.feedback = rule.initialFeedback(for: initial, seed: 5)
            var paths = [(2, false), (3, false)]
            if skip { paths.append((3, true)) }
            var errors = [String: [Double]]()
            let trained = Self.train(rule, epochs: 5) { circuit, step in
                guard step % 30 == 0 else { return }
                for (l, s) in paths { errors["\(l)\(s)", default: []].append(rule.reconstructionError(of: circuit, input: probe, level: l, skip: s)) }
            }
            for (l, s) in paths {
                let start = rule.reconstructionError(of: initial, input: probe, level: l, skip: s)
                let end = rule.reconstructionError(of: trained, input: probe, level: l, skip: s)
                let series = errors["\(l)\(s)"]!
                print("\(rule.name) level \(l)\(s ? " skip" : ""): reconstruction error \(start) -> \(end)")
                XCTAssertLessThan(end, 0.5 * start, "\(rule.name) level \(l)\(s ? " skip" : ""): \(start) -> \(end)")
                XCTAssertLessThan(end, 0.5, "\(rule.name) level \(l)\(s ? " skip" : "")")
                // Falls during training, not only between the two ends.
                XCTAssertLessThan(series[series.count / 2], series[0], "\(rule.name) level \(l)")
            }
        }
    }

    func testDTPSkipOwnsSkipInversesAndAveragesTheTwoPaths() throws {
        let data = LearningRuleTests.data()
        let (x, y) = (data.train.subset(0..<32).inputs, data.train.subset(0..<32).labels)
        var circuit = Circuit(randomFor: try Architecture(sizes: [16, 20, 12, 6], ratios: [2]), seed: 5)
        let dtp = DifferenceTargetPropagationRule(), skip = DifferenceTargetPropagationRule(skip: true)
        XCTAssertEqual(dtp.initialFeedback(for: circuit, seed: 5).keys.sorted(), ["Q_2", "Q_3", "c_2", "c_3"])
        circuit.feedback = skip.initialFeedback(for: circuit, seed: 5)
        XCTAssertEqual(circuit.feedback.keys.sorted(), ["Q_2", "Q_3", "Qskip_3", "S_3", "c_2", "c_3", "cskip_3"])
        XCTAssertEqual([circuit.feedback["Qskip_3"]!.rows, circuit.feedback["Qskip_3"]!.cols], [20, 6], "U_3 -> U_1")
        XCTAssertEqual(circuit.feedback["Q_2"], dtp.initialFeedback(for: circuit, seed: 5)["Q_2"], "the same Q_l as dtp")

        let up = AscendingActivity(circuit: circuit, input: x)
        let err = ErrorSignal(logits: up.logits, labels: y, loss: .crossEntropy)
        let viaQ = dtp.targetDifferences(circuit, ascending: up, error: err.error)
        let viaBoth = skip.targetDifferences(circuit, ascending: up, error: err.error)
        XCTAssertEqual(viaBoth[3], viaQ[3])
        XCTAssertEqual(viaBoth[2], viaQ[2], "level 2 has no level 4 to skip from")
        // Level 1: the mean of g_2's and gs_3's corrections, gs_3(h) = relu(h Qskip_3^T + cskip_3).
        func gs(_ h: Matrix) -> Matrix {
            var u = BLAS.product(h, circuit.feedback["Qskip_3"]!, transposeB: true)
            u.addToEachRow(circuit.feedback["cskip_3"]!.values)
            Activation.relu.apply(&u)
            return u
        }
        var t3 = up.h[3]
        BLAS.axpy(-1, viaQ[3], &t3)
        var skipPath = gs(up.h[3])
        BLAS.axpy(-1, gs(t3), &skipPath)
        var expected = viaQ[1]
        BLAS.scale(0.5, &expected)
        BLAS.axpy(0.5, skipPath, &expected)
        XCTAssertLessThan(TestSupport.relativeError(viaBoth[1], expected), 1e-6)
        XCTAssertGreaterThan(TestSupport.relativeError(viaBoth[1], viaQ[1]), 0.1, "the skip path changes level 1's target")

        // The skip inverse reaches level 1's update only.
        var perturbed = circuit
        perturbed.feedback["Qskip_3"]!.values = perturbed.feedback["Qskip_3"]!.values.map { -$0 }
        let a = skip.plasticity(of: circuit, input: x, labels: y), b = skip.plasticity(of: perturbed, input: x, labels: y)
        XCTAssertNotEqual(a[1].W, b[1].W)
        XCTAssertEqual(a[2].W, b[2].W)
        XCTAssertEqual(a[3].W, b[3].W)
    }

    func testTargetPropagationRulesLearnTheTask() throws {
        for rule in [RuleKind.gaitProp, .dtp, .dtpSkip] {
            XCTAssertTrue(rule.learnsFeedback)
            var simulation = try Simulation(configuration: LearningRuleTests.configuration(rule), data: LearningRuleTests.data())
            let summary = try simulation.run()
            // Chance is 1/6; bp reaches 0.92 after 3 epochs.
            print("\(rule): test accuracy \(summary.finalTestAccuracy)")
            XCTAssertGreaterThan(summary.finalTestAccuracy, 0.6, "\(rule)")
            XCTAssertNil(summary.divergedAtStep, "\(rule)")
        }
    }

    // MARK: Hyperparameters

    /// The configuration's beta, sigma, eta_inv and lambda_O reach the rules that use them; a file
    /// written before they were stored reads back with the defaults it ran at; bad values are refused.
    func testHyperparametersReachTheRulesAndAreStoredInTheConfiguration() throws {
        var c = SimulationConfiguration()
        c.targetStep = 0.05
        c.inverseNoise = 0.02
        c.inverseRate = 0.25
        c.orthogonality = 0
        let dtp = try XCTUnwrap(RuleKind.dtpSkip.makeRule(dynamics: c.dynamics, targetPropagation: c.targetPropagation) as? DifferenceTargetPropagationRule)
        XCTAssertEqual([dtp.targetStep, dtp.inverseNoise, dtp.inverseRate], [0.05, 0.02, 0.25])
        XCTAssertTrue(dtp.skip)
        let gait = try XCTUnwrap(RuleKind.gaitProp.makeRule(dynamics: c.dynamics, targetPropagation: c.targetPropagation) as? GaitPropRule)
        XCTAssertEqual([gait.orthogonality, gait.inverseNoise, gait.inverseRate], [0, 0.02, 0.25])

        // beta changes dtp's hidden updates, not the top's (delta_L = e whatever beta).
        var circuit = Circuit(randomFor: try Architecture(sizes: [16, 20, 12, 6], ratios: [2]), seed: 5)
        circuit.feedback = DifferenceTargetPropagationRule().initialFeedback(for: circuit, seed: 5)
        let batch = LearningRuleTests.data().train.subset(0..<32)
        let a = DifferenceTargetPropagationRule().plasticity(of: circuit, input: batch.inputs, labels: batch.labels)
        let b = DifferenceTargetPropagationRule(targetStep: 0.05).plasticity(of: circuit, input: batch.inputs, labels: batch.labels)
        XCTAssertEqual(a[3].W, b[3].W)
        XCTAssertNotEqual(a[1].W, b[1].W)

        let decoded = try SimulationConfiguration(json: c.json())
        XCTAssertEqual(decoded, c)
        var old = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(c.json().utf8)) as? [String: Any])
        for key in ["targetStep", "inverseNoise", "inverseRate", "orthogonality"] { old[key] = nil }
        let legacy = try SimulationConfiguration(json: String(decoding: try JSONSerialization.data(withJSONObject: old), as: UTF8.self))
        XCTAssertEqual(legacy.targetPropagation, TargetPropagationSettings(), "an earlier file ran at the defaults")

        for (bad, option) in [(TargetPropagationSettings(targetStep: 0), "target-step"), (TargetPropagationSettings(inverseNoise: -1), "inverse-noise"),
                              (TargetPropagationSettings(inverseRate: .infinity), "inverse-rate"), (TargetPropagationSettings(orthogonality: .nan), "orthogonality")] {
            var config = SimulationConfiguration()
            (config.targetStep, config.inverseNoise, config.inverseRate, config.orthogonality) = (bad.targetStep, bad.inverseNoise, bad.inverseRate, bad.orthogonality)
            XCTAssertThrowsError(try config.validated(), option) { XCTAssertTrue("\($0)".hasPrefix(option), "\($0)") }
        }
        XCTAssertNoThrow(try TargetPropagationSettings(inverseNoise: 0, orthogonality: 0).validate(), "sigma and lambda_O may be 0")
    }

    func testBadRuleNamesListTheNewRules() {
        let names = RuleKind.allCases.map(\.rawValue)
        for name in ["gait-prop", "dtp", "dtp-skip"] {
            XCTAssertTrue(names.contains(name))
            XCTAssertEqual(RuleKind(rawValue: name)?.makeRule(dynamics: CircuitDynamics()).name, name)
        }
    }
}
