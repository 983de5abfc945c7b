import Foundation
import SelfAssemble
import XCTest
@testable import SelfAssembleData

/// What the loader does with the labels and the scales users' files really have: labels counted
/// from 1, one class only, columns in different units.
final class LabelsAndScalesTests: XCTestCase {
    private func writeCSV(_ rows: [String], name: String = "t.csv") throws -> String {
        let dir = try TestSupport.temporaryDirectory(for: self)
        return try TestSupport.write((["label,a,b"] + rows).joined(separator: "\n") + "\n", to: dir, name: name)
    }

    /// An MNIST-format directory with 2 x 2 images whose labels are `train` and `test`.
    private func writeIDX(train: [UInt8], test: [UInt8], pixels: (Int) -> UInt8 = { UInt8($0 % 256) }) throws -> URL {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let files: [(String, [UInt8])] = [
            ("train-images-idx3-ubyte", TestSupport.idx(dimensions: [train.count, 2, 2], values: (0 ..< 4 * train.count).map(pixels))),
            ("train-labels-idx1-ubyte", TestSupport.idx(dimensions: [train.count], values: train)),
            ("t10k-images-idx3-ubyte", TestSupport.idx(dimensions: [test.count, 2, 2], values: (0 ..< 4 * test.count).map(pixels))),
            ("t10k-labels-idx1-ubyte", TestSupport.idx(dimensions: [test.count], values: test)),
        ]
        for (name, bytes) in files { try TestSupport.write(bytes, to: dir, name: name) }
        return dir
    }

    func testCSVLabelsCountedFromOneAreAnErrorThatSaysSubtractOne() throws {
        let path = try writeCSV((0 ..< 30).map { "\($0 % 3 + 1),\($0),1" })
        assertDataError(try DataLoader.load(path: path, testFraction: 0.2, seed: 1),
                        contains: [path + ": ", "class 0 has no sample in the training split", "subtract 1"])
    }

    func testIDXLabelsOneToTenAreAnErrorThatNamesTheLabelsFile() throws {
        let dir = try writeIDX(train: (0 ..< 40).map { UInt8($0 % 10 + 1) }, test: (0 ..< 10).map { UInt8($0 + 1) })
        assertDataError(try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 1),
                        contains: [dir.appendingPathComponent("train-labels-idx1-ubyte").path, "labels run up to 10",
                                   "class 0 has no sample", "subtract 1"])
    }

    func testOneClassOnlyIsAnError() throws {
        let path = try writeCSV((0 ..< 20).map { "7,\($0),1" })
        assertDataError(try DataLoader.load(path: path, testFraction: 0.2, seed: 1),
                        contains: [path, "one class only (label 7)"])
    }

    func testCSVDefaultsToZScoresFittedOnTheTrainingSplit() throws {
        // Column a in thousands, column b in tenths: z-scores put both on one scale.
        let path = try writeCSV((0 ..< 50).map { "\($0 % 2),\(1000 * ($0 % 7)),\(Double($0 % 5) / 10)" })
        let raw = try DataLoader.load(path: path, testFraction: 0.2, seed: 3, normalization: Normalization.none)
        let z = try DataLoader.load(path: path, testFraction: 0.2, seed: 3)
        XCTAssertEqual(z.normalization.method, .zscore)
        XCTAssertTrue(z.description.contains("features z-scored"), z.description)
        for c in 0 ..< 2 {
            let train = (0 ..< raw.train.count).map { Double(raw.train.inputs[$0, c]) }
            let mean = train.reduce(0, +) / Double(train.count)
            let sd = (train.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(train.count)).squareRoot()
            XCTAssertEqual(Double(z.normalization.offset[c]), mean, accuracy: abs(mean) * 1e-6)
            XCTAssertEqual(Double(z.normalization.scale[c]), sd, accuracy: sd * 1e-6)
            for r in 0 ..< raw.test.count {
                XCTAssertEqual(Double(z.test.inputs[r, c]), (Double(raw.test.inputs[r, c]) - mean) / sd, accuracy: 1e-5,
                               "test sample \(r) uses the training split's statistics")
            }
        }
    }

    func testIDXCanBeZScoredInPixelUnits() throws {
        let dir = try writeIDX(train: [0, 1, 0, 1], test: [1, 0], pixels: { UInt8(($0 * 37) % 256) })
        let pixels = try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0)
        XCTAssertEqual(pixels.normalization.method, .pixels)
        XCTAssertEqual(pixels.normalization.scale, [255, 255, 255, 255])
        let z = try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0, normalization: .zscore)
        // Training pixel 1 of the four images: bytes 0, 148, 40, 188 (37 * index mod 256).
        let first: [Double] = [0, 148, 40, 188]
        let mean = first.reduce(0, +) / 4
        XCTAssertEqual(Double(z.normalization.offset[0]), mean, accuracy: 1e-4, "statistics in the file's units (0-255)")
        XCTAssertEqual(DataLoader.defaultNormalization(path: dir.path), .pixels)
        XCTAssertEqual(DataLoader.defaultNormalization(path: dir.appendingPathComponent("x.csv").path), .zscore)
        XCTAssertEqual(DataLoader.defaultNormalization(path: nil), Normalization.none)
    }
}
