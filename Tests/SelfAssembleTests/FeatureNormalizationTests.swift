import SelfAssemble
import XCTest

/// Per-feature normalization: statistics from the training split only, applied to both
/// splits, in the raw units of the file (input = (raw - offset) / scale).
final class FeatureNormalizationTests: XCTestCase {
    /// Three features on scales 0.1, 1000 and constant; training rows 1-4, test rows 5-6.
    private func split() -> DataSplit {
        let train = Matrix(rows: 4, cols: 3, values: [0.1, 1000, 7,
                                                      0.2, 3000, 7,
                                                      0.3, 2000, 7,
                                                      0.4, 6000, 7])
        let test = Matrix(rows: 2, cols: 3, values: [0.5, 3000, 7,
                                                     0.0, 0, 8])
        return DataSplit(train: LabeledData(inputs: train, labels: [0, 1, 0, 1], classes: 2),
                         test: LabeledData(inputs: test, labels: [1, 0], classes: 2), description: "t")
    }

    func testZScoreUsesTheTrainingSplitsMeanAndPopulationStandardDeviation() throws {
        let z = try split().normalized(.zscore)
        XCTAssertEqual(z.normalization.method, .zscore)
        // Feature 1: mean 0.25, sd sqrt(0.0125); feature 2: mean 3000, sd sqrt(3.5e6); feature 3 constant.
        XCTAssertEqual(z.normalization.offset[0], 0.25, accuracy: 1e-7)
        XCTAssertEqual(z.normalization.scale[0], Float(0.0125.squareRoot()), accuracy: 1e-7)
        XCTAssertEqual(z.normalization.offset[1], 3000)
        XCTAssertEqual(z.normalization.scale[1], Float(3.5e6.squareRoot()), accuracy: 1e-3)
        XCTAssertEqual(z.normalization.offset[2], 7)
        XCTAssertEqual(z.normalization.scale[2], 1, "a constant feature is divided by 1, not 0")
        for c in 0..<2 {
            let column = (0..<4).map { Double(z.train.inputs[$0, c]) }
            let mean = column.reduce(0, +) / 4
            XCTAssertEqual(mean, 0, accuracy: 1e-6, "feature \(c + 1) has mean 0 on the training split")
            XCTAssertEqual(column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4, 1, accuracy: 1e-5)
        }
        XCTAssertEqual((0..<4).map { z.train.inputs[$0, 2] }, [0, 0, 0, 0], "a constant feature stays at 0")
        // The test split goes through the training split's map, not statistics of its own.
        XCTAssertEqual(z.test.inputs[0, 0], Float((0.5 - 0.25) / 0.0125.squareRoot()), accuracy: 1e-5)
        XCTAssertEqual(z.test.inputs[0, 1], 0)
        XCTAssertEqual(z.test.inputs[1, 2], 1, "8 - 7, divided by 1")
    }

    func testMinMaxMapsTheTrainingRangeToTheUnitInterval() throws {
        let m = try split().normalized(.minmax)
        XCTAssertEqual(m.normalization.offset, [0.1, 1000, 7])
        XCTAssertEqual(m.normalization.scale[0], 0.3, accuracy: 1e-7)
        XCTAssertEqual(m.normalization.scale[1], 5000)
        XCTAssertEqual(m.normalization.scale[2], 1)
        XCTAssertEqual((0..<4).map { m.train.inputs[$0, 1] }, [0, 0.4, 0.2, 1])
        XCTAssertEqual((0..<4).map { m.train.inputs[$0, 2] }, [0, 0, 0, 0])
        XCTAssertEqual(m.test.inputs[0, 0], Float((0.5 - 0.1) / Double(Float(0.4) - Float(0.1))), accuracy: 1e-6,
                       "a test value beyond the training range maps beyond 1")
    }

    func testNoneIsTheIdentityAndPixelsDivideBy255BitForBit() throws {
        let s = split()
        let n = try s.normalized(.none)
        XCTAssertEqual(n.train.inputs, s.train.inputs)
        XCTAssertEqual(n.normalization, .identity(features: 3))
        // Every byte value gives exactly what the IDX loader always gave: Float(byte) / 255.
        let bytes = Matrix(rows: 256, cols: 1, values: (0...255).map { Float($0) })
        let pixels = FeatureNormalization(method: .pixels, fittedTo: bytes)
        XCTAssertEqual(pixels.offset, [0])
        XCTAssertEqual(pixels.scale, [255])
        XCTAssertEqual(pixels.apply(to: bytes).values, (0...255).map { Float($0) / 255 })
    }

    func testAValueBeyondTheFloatRangeAfterNormalizationIsAnError() {
        let train = Matrix(rows: 2, cols: 1, values: [0, 1e-30])
        let test = Matrix(rows: 1, cols: 1, values: [3e38])
        let s = DataSplit(train: LabeledData(inputs: train, labels: [0, 1], classes: 2),
                          test: LabeledData(inputs: test, labels: [0], classes: 2), description: "t")
        XCTAssertThrowsError(try s.normalized(.zscore)) { error in
            XCTAssertTrue("\(error)".contains("feature 1 of the test split is beyond the Float range"), "\(error)")
        }
    }
}
