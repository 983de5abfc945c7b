import Foundation
import SelfAssemble
import SelfAssembleReport
import XCTest

/// The statistics on small matrices, against brute-force enumeration and hand counts.
final class AnalysisTests: XCTestCase {
    private func random(_ rows: Int, _ cols: Int, _ rng: inout Xoshiro256StarStar) -> Matrix {
        Matrix(normal: rows, cols, std: 1, using: &rng)
    }

    func testSignedMaskKeepsExactlyTheStrongestWithTheirSigns() {
        let m = Matrix(rows: 2, cols: 5, values: [0.1, -0.9, 0.3, -0.2, 0.05, 0.8, -0.4, 0.0, 0.7, -0.6])
        // 10 entries, 40%: the 4 largest magnitudes 0.9, 0.8, 0.7, 0.6.
        let mask = SignedMask(strongestOf: m, percent: 40)
        XCTAssertEqual(mask.kept, 4)
        XCTAssertEqual(mask.signs.values, [0, -1, 0, 0, 0, 1, 0, 0, 1, -1])
        XCTAssertEqual(mask.threshold, 0.6)
        XCTAssertEqual(mask.largestMagnitude, 0.9)
        XCTAssertEqual(SignedMask.keptCount(entries: 32768, percent: 10), 3277)
        XCTAssertEqual(SignedMask.keptCount(entries: 5, percent: 1), 1, "at least one synapse is kept")
    }

    func testSignedMaskBreaksTiesInRowMajorOrder() {
        let m = Matrix(rows: 1, cols: 6, values: [1, -2, 1, 1, 0.5, 2])
        // 50%: k = 3; |2| twice, then the first of the tied 1s.
        XCTAssertEqual(SignedMask(strongestOf: m, percent: 50).signs.values, [1, -1, 0, 0, 0, 1])
    }

    /// Brute force over every (i, j, k), straight from the definition.
    private func bruteForce(W: Matrix, V: Matrix, Vbar: Matrix, Wbar: Matrix) -> (pairs: Int, signed: Int, all: Int) {
        let n = Vbar.rows, m = Vbar.cols, previous = W.cols
        var pairs = 0, signed = 0, all = 0
        for j in 0..<n {
            for k in 0..<m {
                let forward = V[k, j], backward = Vbar[j, k]
                guard forward != 0 && forward == backward else { continue }
                pairs += 1
                for i in 0..<previous where W[j, i] != 0 && Wbar[i, k] != 0 {
                    all += 1
                    signed += W[j, i] * forward * Wbar[i, k] > 0 ? 1 : -1
                }
            }
        }
        return (pairs, signed, all)
    }

    func testMotifCountsMatchBruteForceEnumeration() {
        var rng = Xoshiro256StarStar(seed: 5)
        for (previous, n, m, percent) in [(7, 5, 9, 30.0), (12, 10, 20, 10), (4, 4, 4, 100), (9, 6, 11, 50)] {
            let W = SignedMask(strongestOf: random(n, previous, &rng), percent: percent).signs
            let V = SignedMask(strongestOf: random(m, n, &rng), percent: percent).signs
            let Vbar = SignedMask(strongestOf: random(n, m, &rng), percent: percent).signs
            let Wbar = SignedMask(strongestOf: random(previous, m, &rng), percent: percent).signs
            let counts = MotifCounting.count(LevelMasks(W: W, V: V, Vbar: Vbar, Wbar: Wbar))
            let expected = bruteForce(W: W, V: V, Vbar: Vbar, Wbar: Wbar)
            XCTAssertEqual(counts.reciprocalPairs, expected.pairs)
            XCTAssertEqual(counts.signedFourSynapse, expected.signed)
            XCTAssertEqual(counts.fourSynapse, expected.all)
            XCTAssertEqual(counts.positiveFourSynapse, (expected.all + expected.signed) / 2)
        }
    }

    func testReciprocalPairsByHand() {
        // U_l has 2 cells, D_l 3. V is 3x2 (target D x source U), Vbar 2x3.
        let V = Matrix(rows: 3, cols: 2, values: [1, 0, -1, 1, 0, -1])   // 0->0 +, 0->1 -, 1->1 +, 1->2 -
        let Vbar = Matrix(rows: 2, cols: 3, values: [1, 1, 0, 0, 1, -1])  // 0->0 +, 1->0 +, 1->1 +, 2->1 -
        // Same sign both ways: (j0,k0) +/+, (j1,k1) +/+, (j1,k2) -/-; (j0,k1) is -/+: not a pair.
        XCTAssertEqual(MotifCounting.count(LevelMasks(W: nil, V: V, Vbar: Vbar, Wbar: nil)).reciprocalPairs, 3)
        XCTAssertNil(MotifCounting.count(LevelMasks(W: nil, V: V, Vbar: Vbar, Wbar: nil)).signedFourSynapse)
    }

    func testAlignedCircuitIsOverRepresentedAndRandomIsNot() {
        // A circuit where Vbar = V^T and Wbar V = W^T exactly, against an independent one.
        var rng = Xoshiro256StarStar(seed: 9)
        let previous = 30, n = 40, m = 80
        let V = random(m, n, &rng)
        let W = random(n, previous, &rng)
        let aligned = LevelWeights(level: 2, W: W, V: V, Vbar: V.transposed,
                                   Wbar: BLAS.product(W.transposed, V.transposed))
        let statistics = LevelAnatomy.analyse(aligned, snapshot: 0, step: 0, roles: [.end], topPercent: 10,
                                              nullSamples: 30, seed: 1, zThreshold: 4)
        XCTAssertGreaterThan(statistics.reciprocalPairs.z ?? 0, 10)
        XCTAssertGreaterThan(statistics.fourSynapseMotifs?.signed.z ?? 0, 10)
        XCTAssertTrue(statistics.motifOverRepresented)
        // Vbar = V^T: every strong V synapse is a reciprocal pair.
        XCTAssertEqual(statistics.reciprocalPairs.observed, SignedMask.keptCount(entries: m * n, percent: 10))

        let independent = LevelWeights(level: 2, W: W, V: V, Vbar: random(n, m, &rng), Wbar: random(previous, m, &rng))
        let chance = LevelAnatomy.analyse(independent, snapshot: 0, step: 0, roles: [.start], topPercent: 10,
                                          nullSamples: 30, seed: 1, zThreshold: 4)
        XCTAssertLessThan(abs(chance.reciprocalPairs.z ?? 99), 4)
        XCTAssertLessThan(abs(chance.fourSynapseMotifs?.signed.z ?? 99), 4)
        XCTAssertFalse(chance.motifOverRepresented)
    }

    func testRelabellingKeepsEachProjectionAndIsDeterministic() {
        var source = Xoshiro256StarStar(seed: 2)
        let mask = SignedMask(strongestOf: random(6, 9, &source), percent: 30).signs
        var a = RelabellingNull.generator(seed: 4, level: 2)
        var b = RelabellingNull.generator(seed: 4, level: 2)
        let x = RelabellingNull.relabel(mask, using: &a), y = RelabellingNull.relabel(mask, using: &b)
        XCTAssertEqual(x, y, "same seed and level: same sample")
        XCTAssertNotEqual(x, mask, "the cells were relabelled")
        XCTAssertEqual(x.values.sorted(), mask.values.sorted(), "same synapses and signs")
        // Degree distributions (row and column counts of kept synapses) are kept.
        func degrees(_ m: Matrix, rows: Bool) -> [Int] {
            (0..<(rows ? m.rows : m.cols)).map { r in
                (0..<(rows ? m.cols : m.rows)).filter { c in (rows ? m[r, c] : m[c, r]) != 0 }.count
            }.sorted()
        }
        XCTAssertEqual(degrees(x, rows: true), degrees(mask, rows: true))
        XCTAssertEqual(degrees(x, rows: false), degrees(mask, rows: false))
        var other = RelabellingNull.generator(seed: 4, level: 1)
        XCTAssertNotEqual(RelabellingNull.relabel(mask, using: &other), x, "another level draws another sample")
    }

    func testNullMeanOfReciprocalPairsMatchesItsExpectation() {
        // Under relabelling, E[pairs] = (positive_V positive_Vbar + negative_V negative_Vbar) / (n m).
        var rng = Xoshiro256StarStar(seed: 12)
        let n = 30, m = 50
        let V = SignedMask(strongestOf: random(m, n, &rng), percent: 20).signs
        let Vbar = SignedMask(strongestOf: random(n, m, &rng), percent: 20).signs
        let masks = LevelMasks(W: nil, V: V, Vbar: Vbar, Wbar: nil)
        var null = RelabellingNull.generator(seed: 1, level: 1)
        let samples = RelabellingNull.counts(masks, samples: 400, using: &null).map(\.reciprocalPairs)
        let statistic = CountStatistic(observed: 0, null: samples)
        func count(_ m: Matrix, _ sign: Float) -> Double { Double(m.values.filter { $0 == sign }.count) }
        let expected = (count(V, 1) * count(Vbar, 1) + count(V, -1) * count(Vbar, -1)) / Double(n * m)
        XCTAssertEqual(statistic.nullMean, expected, accuracy: 4 * statistic.nullStd / 20, "within 4 standard errors")
    }

    func testCountStatisticDefinitions() {
        let s = CountStatistic(observed: 10, null: [2, 4, 6, 4])
        XCTAssertEqual(s.nullMean, 4)
        XCTAssertEqual(s.nullStd, (8.0 / 3).squareRoot(), accuracy: 1e-12, "sample standard deviation, N - 1")
        XCTAssertEqual(s.z!, 6 / (8.0 / 3).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s.pValue, 1.0 / 5)
        XCTAssertTrue(s.isOverRepresented(zThreshold: 3))
        XCTAssertFalse(s.isOverRepresented(zThreshold: 4))
        let flat = CountStatistic(observed: 3, null: [3, 3, 3])
        XCTAssertNil(flat.z, "no spread, no z-score")
        XCTAssertEqual(flat.pValue, 1)
        XCTAssertFalse(flat.isOverRepresented(zThreshold: 4))
        // Beating the null's mean by many standard deviations but not its largest sample is not enough.
        let heavy = CountStatistic(observed: 8, null: [Int](repeating: 0, count: 40) + [10])
        XCTAssertGreaterThan(heavy.z!, 4)
        XCTAssertFalse(heavy.isOverRepresented(zThreshold: 4))
    }

    func testDetectionOnsetAndShortfall() {
        let steps = [0, 10, 20, 30, 40, 50, 60]
        let good = LevelMetricSeries(level: 2, reciprocity: [0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95],
                                     descending: [0, 0.6, 0.4, 0.6, 0.6, 0.6, 0.7],
                                     alignmentH: [0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
        let level1 = LevelMetricSeries(level: 1, reciprocity: [0, 0.5, 0.92, 0.93, 0.94, 0.2, 0.3], descending: nil,
                                       alignmentH: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
        let result = AssemblyDetection.detect(steps: steps, levels: [level1, good], thresholds: AssemblyThresholds(),
                                              fileOnsets: [20, 30])
        // Level 1 passes at 20, 30, 40 (K = 3): onset 20, even though it falls later.
        XCTAssertEqual(result[0].onsetStep, 20)
        XCTAssertEqual(result[0].onsetSnapshot, 2)
        XCTAssertEqual(result[0].fileOnsetStep, 20)
        // Level 2: descending dips at 20, so the run restarts at 30: onset 30.
        XCTAssertEqual(result[1].onsetStep, 30)
        XCTAssertNil(result[1].shortfall)

        var strict = AssemblyThresholds()
        strict.descending = 0.65
        let short = AssemblyDetection.detect(steps: steps, levels: [level1, good], thresholds: strict)
        XCTAssertNil(short[1].onsetStep)
        XCTAssertEqual(short[1].shortfall?.metric, nil, "descending passes at the last snapshot only")
        XCTAssertEqual(short[1].shortfall?.passingSnapshotsAtEnd, 1)
        strict.descending = 0.8
        let never = AssemblyDetection.detect(steps: steps, levels: [level1, good], thresholds: strict)[1]
        XCTAssertEqual(never.shortfall?.metric, "descending")
        XCTAssertEqual(never.shortfall?.lastValue, 0.7)
        XCTAssertEqual(never.shortfall?.bestValue, 0.7)
        XCTAssertEqual(never.shortfall?.threshold, 0.8)
        XCTAssertTrue(never.shortfall?.text.contains("descending stayed short") ?? false)
    }

    func testNaNNeverPasses() {
        let series = LevelMetricSeries(level: 1, reciprocity: [.nan, .nan, .nan], descending: nil, alignmentH: [1, 1, 1])
        let result = AssemblyDetection.detect(steps: [0, 1, 2], levels: [series], thresholds: AssemblyThresholds(consecutive: 1))
        XCTAssertNil(result[0].onsetStep)
        XCTAssertEqual(result[0].shortfall?.metric, "reciprocity")
        XCTAssertNil(result[0].shortfall?.lastValue)
    }

    func testSpectrumAndGramOfKnownMatrices() {
        // diag(3, 2, 1) padded with a zero column: singular values 3, 2, 1.
        let m = Matrix(rows: 3, cols: 4, values: [3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0])
        let spectrum = SingularSpectrum(projection: "W_1", snapshot: 0, step: 0, weights: m)
        XCTAssertEqual(spectrum.values.count, 3)
        for (value, expected) in zip(spectrum.values, [3.0, 2, 1]) { XCTAssertEqual(value, expected, accuracy: 1e-6) }
        let p = [9.0, 4, 1].map { $0 / 14 }
        XCTAssertEqual(spectrum.effectiveRank, exp(-p.map { $0 * log($0) }.reduce(0, +)), accuracy: 1e-9)
        // Orthogonal rows: no correlation; identical rows: cosine 1.
        let (orthogonal, _) = GramView.make(projection: "W_1", level: 1, snapshot: 0, step: 0, weights: m, maxCells: 128)
        XCTAssertEqual(orthogonal.meanAbsCosine, 0, accuracy: 1e-9)
        let same = Matrix(rows: 4, cols: 2, values: [1, 2, 1, 2, -1, -2, 2, 4])
        let (summary, heatmap) = GramView.make(projection: "W_1", level: 1, snapshot: 0, step: 0, weights: same, maxCells: 2)
        XCTAssertEqual(summary.meanAbsCosine, 1, accuracy: 1e-6)
        // Above 2 cells, every 2nd cell is drawn: cells 0 and 2 (rows [1, 2] and [-1, -2]).
        XCTAssertEqual(heatmap.side, 2)
        XCTAssertEqual(heatmap.stride, 2)
        XCTAssertEqual(heatmap.values, [1, -1, -1, 1].map(Float.init))
    }

    func testOptionsAreValidated() {
        var options = ReportOptions()
        options.topPercent = 0
        assertOneLineError(["--top-percent", "(0, 100]"]) { _ = try options.validated() }
        options = ReportOptions()
        options.nullSamples = 1
        assertOneLineError(["--null-samples", "at least 2"]) { _ = try options.validated() }
        options = ReportOptions()
        options.thresholds.consecutive = 0
        assertOneLineError(["--consecutive"]) { _ = try options.validated() }
        options = ReportOptions()
        options.thresholds.reciprocity = 1.5
        assertOneLineError(["--reciprocity-threshold", "(0, 1]"]) { _ = try options.validated() }
        options.thresholds.reciprocity = -1
        assertOneLineError(["--reciprocity-threshold", "(0, 1]", "-1"]) { _ = try options.validated() }
        XCTAssertNoThrow(try ReportOptions().validated())
    }
}
