import Foundation
import XCTest
import SelfAssemble
@testable import SelfAssembleData

/// The real digits8x8 data (shared, not in the project) in both forms: IDX (gzipped) and CSV.
/// Reference values are decoded here independently: with the system gzip tool and by hand.
final class DigitsDataTests: XCTestCase {
    private let idxNames = DataLoader.idxFileNames

    // MARK: - IDX

    func testIDXLoadsWithExpectedShapeClassesAndRange() throws {
        let dir = try TestSupport.digitsDirectory()
        let split = try DataLoader.load(path: dir, testFraction: 0.2, seed: 0)
        XCTAssertEqual(split.train.count, 1437)
        XCTAssertEqual(split.test.count, 360)
        XCTAssertEqual(split.train.features, 64)
        XCTAssertEqual(split.test.features, 64)
        XCTAssertEqual(split.train.classes, 10)
        XCTAssertEqual(split.test.classes, 10)
        let values = split.train.inputs.values + split.test.inputs.values
        XCTAssertEqual(values.min(), 0)
        XCTAssertEqual(values.max(), 1, "pixels 0-16 were stored as 0-255, so the brightest is 255 / 255")
        XCTAssertEqual(Set(split.train.labels), Set(0 ..< 10))
        XCTAssertEqual(split.description, "digits8x8 IDX: 1437 train / 360 test, 64 features, 10 classes, pixels / 255 (\(dir))")
    }

    func testFirstTrainingSampleMatchesIndependentDecoding() throws {
        let dir = try TestSupport.digitsDirectory()
        let labelBytes = try TestSupport.gunzipWithSystemTool(dir + "/train-labels-idx1-ubyte.gz")
        let imageBytes = try TestSupport.gunzipWithSystemTool(dir + "/train-images-idx3-ubyte.gz")
        // Labels: 8-byte header (magic, count), then one byte a label.
        XCTAssertEqual(Array(labelBytes[0 ..< 8]), [0, 0, 8, 1] + TestSupport.bigEndian(1437))
        // Images: 16-byte header (magic, count, rows, cols), then 64 bytes an image.
        XCTAssertEqual(Array(imageBytes[0 ..< 16]), [0, 0, 8, 3] + TestSupport.bigEndian(1437) + TestSupport.bigEndian(8) + TestSupport.bigEndian(8))

        let split = try DataLoader.load(path: dir, testFraction: 0.2, seed: 0)
        XCTAssertEqual(split.train.labels[0], Int(labelBytes[8]))
        XCTAssertEqual(split.train.labels.last, Int(labelBytes[8 + 1436]))
        for k in 0 ..< 64 {
            XCTAssertEqual(split.train.inputs[0, k], Float(imageBytes[16 + k]) / 255, "pixel \(k) (row \(k / 8), col \(k % 8))")
        }
    }

    func testGzipDecompressionMatchesSystemGzip() throws {
        let dir = try TestSupport.digitsDirectory()
        for name in idxNames {
            let path = "\(dir)/\(name).gz"
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            XCTAssertEqual(try Gzip.decompress(bytes, source: path), try TestSupport.gunzipWithSystemTool(path), name)
        }
    }

    func testGzippedAndPlainCopiesLoadIdentically() throws {
        let dir = try TestSupport.digitsDirectory()
        let plain = try TestSupport.temporaryDirectory(for: self)
        let dotted = try TestSupport.temporaryDirectory(for: self)
        for name in idxNames {
            let bytes = try TestSupport.gunzipWithSystemTool("\(dir)/\(name).gz")
            try TestSupport.write(bytes, to: plain, name: name)
            try TestSupport.write(bytes, to: dotted, name: name.replacingOccurrences(of: "-idx", with: ".idx"))
        }
        let gzipped = try DataLoader.load(path: dir, testFraction: 0.2, seed: 0)
        for copy in [plain, dotted] {
            let loaded = try DataLoader.load(path: copy.path, testFraction: 0.2, seed: 0)
            XCTAssertEqual(loaded.train, gzipped.train)
            XCTAssertEqual(loaded.test, gzipped.test)
            XCTAssertTrue(loaded.description.contains("1437 train / 360 test, 64 features, 10 classes"), loaded.description)
        }
    }

    func testTruncatedRealGzipIsDataError() throws {
        let dir = try TestSupport.digitsDirectory()
        let copy = try TestSupport.temporaryDirectory(for: self)
        for name in idxNames {
            try FileManager.default.copyItem(atPath: "\(dir)/\(name).gz", toPath: copy.appendingPathComponent(name + ".gz").path)
        }
        let path = copy.appendingPathComponent("train-images-idx3-ubyte.gz").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try TestSupport.write(Array(bytes.prefix(bytes.count / 2)), to: copy, name: "train-images-idx3-ubyte.gz")
        assertDataError(try DataLoader.load(path: copy.path, testFraction: 0.2, seed: 0), contains: [path, "truncated"])
    }

    // MARK: - CSV

    func testCSVLoadsAllSamplesSplitByTestFraction() throws {
        let csv = try TestSupport.digitsDirectory() + "/digits.csv"
        let split = try DataLoader.load(path: csv, testFraction: 0.2, seed: 42)
        XCTAssertEqual(split.train.count + split.test.count, 1797)
        XCTAssertEqual(split.test.count, 359, "round(1797 * 0.2)")
        XCTAssertEqual(split.train.count, 1438)
        XCTAssertEqual(split.train.features, 64)
        XCTAssertEqual(split.train.classes, 10)
        XCTAssertEqual(try DataLoader.load(path: csv, testFraction: 0.5, seed: 42).test.count, 899, "round(898.5)")
        XCTAssertEqual(split.description, "digits CSV: 1438 train / 359 test, 64 features, 10 classes, features z-scored (training-split statistics), test fraction 0.2, seed 42 (\(csv))")

        // The split is a partition: label counts over train + test equal those in the file.
        let fileLabels = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst().map { Int($0.split(separator: ",")[0])! }
        XCTAssertEqual(fileLabels.count, 1797)
        let counts = { (labels: [Int]) in Dictionary(labels.map { ($0, 1) }, uniquingKeysWith: +) }
        XCTAssertEqual(counts(split.train.labels + split.test.labels), counts(fileLabels))
    }

    func testCSVSplitIsDeterministicPerSeed() throws {
        let csv = try TestSupport.digitsDirectory() + "/digits.csv"
        let a = try DataLoader.load(path: csv, testFraction: 0.2, seed: 1)
        let b = try DataLoader.load(path: csv, testFraction: 0.2, seed: 1)
        let c = try DataLoader.load(path: csv, testFraction: 0.2, seed: 2)
        XCTAssertEqual(a.train, b.train)
        XCTAssertEqual(a.test, b.test)
        XCTAssertNotEqual(a.test.labels, c.test.labels)
        XCTAssertNotEqual(a.train.inputs, c.train.inputs)
    }

    func testCSVIsReadAsWritten() throws {
        let csv = try TestSupport.digitsDirectory() + "/digits.csv"
        let table = try CSVReader.read(path: csv)
        XCTAssertEqual(table.data.count, 1797)
        XCTAssertEqual(table.data.inputs.values.min(), 0)
        XCTAssertEqual(table.data.inputs.values.max(), 16)
        // The first data line, parsed here by hand.
        let firstLine = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")[1]
        let fields = firstLine.split(separator: ",").map { Int($0)! }
        XCTAssertEqual(table.data.labels[0], fields[0])
        XCTAssertEqual((0 ..< 64).map { table.data.inputs[0, $0] }, fields.dropFirst().map { Float($0) })
    }

    func testCSVAndIDXHoldTheSameImages() throws {
        // The IDX pixels are the CSV's 0-16 values rescaled to 0-255 (rounded): pixels / 255
        // times 16, rounded, gives back the CSV's values.
        let dir = try TestSupport.digitsDirectory()
        let idx = try DataLoader.load(path: dir, testFraction: 0.2, seed: 0)
        let csv = try CSVReader.read(path: dir + "/digits.csv").data
        let csvRows = Set((0 ..< csv.count).map { i in (0 ..< 64).map { Int(csv.inputs[i, $0]) } })
        let idxFirst = (0 ..< 64).map { Int((idx.train.inputs[0, $0] * 16).rounded()) }
        XCTAssertTrue(csvRows.contains(idxFirst), "the first IDX training image is one of the CSV's images")
    }
}
