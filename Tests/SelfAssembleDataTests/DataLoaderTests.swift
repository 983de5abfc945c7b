import XCTest
import SelfAssemble
@testable import SelfAssembleData

/// `DataLoader.load` on small files written into a temporary directory: the happy paths that do
/// not need the shared data, and one test per bad input.
final class DataLoaderTests: XCTestCase {
    /// Writes an MNIST-format directory: 3 training images of 2 x 3 pixels with labels 0, 2, 1 and
    /// 2 test images with labels 1, 0.
    private func writeSmallIDX(in dir: URL, gzip: Bool = false, dotted: Bool = false) throws {
        let files: [(String, [UInt8])] = [
            ("train-images-idx3-ubyte", TestSupport.idx(dimensions: [3, 2, 3], values: (0 ..< 18).map { UInt8($0 * 15) })),
            ("train-labels-idx1-ubyte", TestSupport.idx(dimensions: [3], values: [0, 2, 1])),
            ("t10k-images-idx3-ubyte", TestSupport.idx(dimensions: [2, 2, 3], values: [UInt8](repeating: 255, count: 12))),
            ("t10k-labels-idx1-ubyte", TestSupport.idx(dimensions: [2], values: [1, 0])),
        ]
        for (name, bytes) in files {
            let fileName = (dotted ? name.replacingOccurrences(of: "-idx", with: ".idx") : name) + (gzip ? ".gz" : "")
            try TestSupport.write(gzip ? TestSupport.gzipStored(bytes) : bytes, to: dir, name: fileName)
        }
    }

    func testLoadsIDXDirectoryScaledAndFlattenedRowMajor() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try writeSmallIDX(in: dir)
        let split = try DataLoader.load(path: dir.path, testFraction: 0.5, seed: 1)
        XCTAssertEqual(split.train.count, 3)
        XCTAssertEqual(split.test.count, 2)
        XCTAssertEqual(split.train.features, 6)
        XCTAssertEqual(split.train.classes, 3, "max label 2 + 1")
        XCTAssertEqual(split.test.classes, 3)
        XCTAssertEqual(split.classesPresent, [0, 1, 2])
        XCTAssertEqual(split.train.labels, [0, 2, 1])
        XCTAssertEqual(split.test.labels, [1, 0])
        XCTAssertEqual(split.train.inputs[1, 0], Float(6 * 15) / 255, "second image, first pixel")
        XCTAssertEqual(split.train.inputs[2, 5], Float(17 * 15) / 255, "third image, row 1, col 2")
        XCTAssertEqual(split.test.inputs.values, [Float](repeating: 1, count: 12))
        XCTAssertEqual(split.description, "\(dir.lastPathComponent) IDX: 3 train / 2 test, 6 features, 3 classes, pixels / 255 (\(dir.path))")
    }

    func testGzippedDottedAndPlainIDXLoadIdentically() throws {
        let plain = try TestSupport.temporaryDirectory(for: self)
        let gzipped = try TestSupport.temporaryDirectory(for: self)
        let dotted = try TestSupport.temporaryDirectory(for: self)
        try writeSmallIDX(in: plain)
        try writeSmallIDX(in: gzipped, gzip: true)
        try writeSmallIDX(in: dotted, gzip: true, dotted: true)
        let reference = try DataLoader.load(path: plain.path, testFraction: 0.2, seed: 0)
        for dir in [gzipped, dotted] {
            let other = try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0)
            XCTAssertEqual(other.train, reference.train)
            XCTAssertEqual(other.test, reference.test)
        }
    }

    func testGzipIsDetectedByContentNotName() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try writeSmallIDX(in: dir)
        let path = dir.appendingPathComponent("t10k-labels-idx1-ubyte").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try TestSupport.write(TestSupport.gzipStored(bytes), to: dir, name: "t10k-labels-idx1-ubyte")  // gzip under the plain name
        XCTAssertEqual(try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0).test.labels, [1, 0])
    }

    func testLoadsCSVFile() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let rows = (0 ..< 10).map { "\($0 % 3),\($0),\(2 * $0)" }
        let path = try TestSupport.write("label,a,b\n" + rows.joined(separator: "\n") + "\n", to: dir, name: "small.csv")
        let split = try DataLoader.load(path: path, testFraction: 0.3, seed: 7, normalization: Normalization.none)
        XCTAssertEqual(split.train.count, 7)
        XCTAssertEqual(split.test.count, 3)
        XCTAssertEqual(split.train.features, 2)
        XCTAssertEqual(split.train.classes, 3)
        XCTAssertEqual(split.description, "small CSV: 7 train / 3 test, 2 features, 3 classes, features as read, test fraction 0.3, seed 7 (\(path))")
        // Every sample lands in exactly one set: column b is twice column a in every row.
        let all = split.train.inputs.values + split.test.inputs.values
        XCTAssertEqual(Set(stride(from: 0, to: all.count, by: 2).map { all[$0] }), Set((0 ..< 10).map(Float.init)))
        XCTAssertEqual(Set(stride(from: 1, to: all.count, by: 2).map { all[$0] }), Set((0 ..< 10).map { Float(2 * $0) }))
    }

    // MARK: - Bad inputs

    func testPathDoesNotExist() {
        assertDataError(try DataLoader.load(path: "/nonexistent/digits", testFraction: 0.2, seed: 0),
                        contains: ["/nonexistent/digits", "does not exist"])
    }

    func testDirectoryWithoutIDXFilesListsWhatIsMissing() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try TestSupport.write(TestSupport.idx(dimensions: [1, 1, 1], values: [0]), to: dir, name: "train-images-idx3-ubyte.gz")
        do {
            _ = try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0)
            XCTFail("expected a DataError")
        } catch let error as DataError {
            XCTAssertTrue(error.message.hasPrefix(dir.path + ": missing MNIST-format IDX files "), error.message)
            let missingList = error.message.components(separatedBy: " (each may")[0]
            XCTAssertTrue(missingList.hasSuffix("train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte"), error.message)
            XCTAssertFalse(missingList.contains("train-images"), "the images file is there: \(error.message)")
        }
    }

    func testWrongMagicNumber() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try writeSmallIDX(in: dir)
        // A labels file where the training images belong.
        let path = try TestSupport.write(TestSupport.idx(dimensions: [3], values: [0, 1, 2]), to: dir, name: "train-images-idx3-ubyte")
        assertDataError(try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0),
                        contains: [path, "wrong magic number 0x00000801", "expected 0x00000803"])
    }

    func testTruncatedIDXFile() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try writeSmallIDX(in: dir)
        let full = TestSupport.idx(dimensions: [2, 2, 3], values: [UInt8](repeating: 255, count: 12))
        let path = try TestSupport.write(Array(full.prefix(full.count - 5)), to: dir, name: "t10k-images-idx3-ubyte")
        assertDataError(try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0),
                        contains: [path, "2 x 2 x 3", "need 12 data bytes", "has 7", "truncated"])
    }

    func testImageCountDiffersFromLabelCount() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try writeSmallIDX(in: dir)
        let labels = try TestSupport.write(TestSupport.idx(dimensions: [2], values: [0, 1]), to: dir, name: "train-labels-idx1-ubyte")
        assertDataError(try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0),
                        contains: [dir.appendingPathComponent("train-images-idx3-ubyte").path, "3 images", labels, "2 labels"])
    }

    func testTrainAndTestImageSizesDiffer() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try writeSmallIDX(in: dir)
        let path = try TestSupport.write(TestSupport.idx(dimensions: [2, 3, 2], values: [UInt8](repeating: 0, count: 12)), to: dir, name: "t10k-images-idx3-ubyte")
        assertDataError(try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0),
                        contains: [path, "3 x 2", "2 x 3"])
    }

    func testEmptyIDXSet() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try writeSmallIDX(in: dir)
        let path = try TestSupport.write(TestSupport.idx(dimensions: [0, 2, 3], values: []), to: dir, name: "t10k-images-idx3-ubyte")
        try TestSupport.write(TestSupport.idx(dimensions: [0], values: []), to: dir, name: "t10k-labels-idx1-ubyte")
        assertDataError(try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0), contains: [path, "no data"])
    }

    func testCorruptGzipFile() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try writeSmallIDX(in: dir, gzip: true)
        var bytes = TestSupport.gzipStored(TestSupport.idx(dimensions: [3], values: [0, 2, 1]))
        bytes[bytes.count - 8] ^= 0x55  // the CRC-32 no longer matches
        let path = try TestSupport.write(bytes, to: dir, name: "train-labels-idx1-ubyte.gz")
        assertDataError(try DataLoader.load(path: dir.path, testFraction: 0.2, seed: 0), contains: [path, "gzip data are corrupt"])
    }

    func testCSVWithNoDataRows() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let path = try TestSupport.write("label,a\n", to: dir, name: "h.csv")
        assertDataError(try DataLoader.load(path: path, testFraction: 0.2, seed: 0), contains: [path, "no data rows"])
    }

    func testCSVRowWithWrongColumnCount() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let path = try TestSupport.write("label,a,b\n0,1,2\n1,2,3,4\n", to: dir, name: "c.csv")
        assertDataError(try DataLoader.load(path: path, testFraction: 0.2, seed: 0), contains: [path, "line 3 has 4 columns"])
    }

    func testCSVNonNumericValue() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let path = try TestSupport.write("label,a,b\n0,1,x2\n", to: dir, name: "v.csv")
        assertDataError(try DataLoader.load(path: path, testFraction: 0.2, seed: 0), contains: [path, "line 2, column 3", "'x2' is not a number"])
    }

    func testCSVNegativeLabel() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let path = try TestSupport.write("label,a\n-3,1\n", to: dir, name: "l.csv")
        assertDataError(try DataLoader.load(path: path, testFraction: 0.2, seed: 0), contains: [path, "line 2", "negative"])
    }

    func testCSVNonIntegerLabel() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let path = try TestSupport.write("label,a\n0,1\n0.5,1\n", to: dir, name: "l.csv")
        assertDataError(try DataLoader.load(path: path, testFraction: 0.2, seed: 0), contains: [path, "line 3", "not an integer"])
    }

    func testCSVNaNAndInfiniteFeatures() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let nan = try TestSupport.write("label,a\n0,1\n1,nan\n", to: dir, name: "nan.csv")
        assertDataError(try DataLoader.load(path: nan, testFraction: 0.2, seed: 0), contains: [nan, "line 3, column 2", "not a finite number"])
        let inf = try TestSupport.write("label,a\n0,inf\n1,1\n", to: dir, name: "inf.csv")
        assertDataError(try DataLoader.load(path: inf, testFraction: 0.2, seed: 0), contains: [inf, "line 2, column 2", "not a finite number"])
    }

    func testCSVTooSmallToSplitOrBadFraction() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let one = try TestSupport.write("label,a\n0,1\n", to: dir, name: "one.csv")
        assertDataError(try DataLoader.load(path: one, testFraction: 0.2, seed: 0), contains: [one, "too few to split"])
        let two = try TestSupport.write("label,a\n0,1\n1,2\n", to: dir, name: "two.csv")
        assertDataError(try DataLoader.load(path: two, testFraction: 1.5, seed: 0), contains: [two, "test fraction must be between 0 and 1"])
    }

    func testSingleIDXFileInsteadOfDirectory() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let path = try TestSupport.write(TestSupport.gzipStored(TestSupport.idx(dimensions: [1], values: [0])), to: dir, name: "train-labels-idx1-ubyte.gz")
        assertDataError(try DataLoader.load(path: path, testFraction: 0.2, seed: 0), contains: [path, "IDX file, not CSV", "directory"])
    }
}
