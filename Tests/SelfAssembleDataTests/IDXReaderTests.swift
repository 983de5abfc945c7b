import XCTest
@testable import SelfAssembleData

/// The IDX parser on hand-written bytes: header, magic numbers, sizes against the file length.
final class IDXReaderTests: XCTestCase {
    func testParsesGeneralHeaderWithBigEndianSizes() throws {
        // 2 x 300: the second size needs two bytes, so a little-endian reading would give 2 x 11272192.
        let values = (0 ..< 600).map { UInt8($0 % 256) }
        let contents = try IDXReader.parse(TestSupport.idx(dimensions: [2, 300], values: values), source: "a.idx")
        XCTAssertEqual(contents.dimensions, [2, 300])
        XCTAssertEqual(contents.values, values)
    }

    func testParsesImagesAndLabels() throws {
        let pixels: [UInt8] = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]
        let images = try IDXReader.images(TestSupport.idx(dimensions: [2, 2, 3], values: pixels), source: "i")
        XCTAssertEqual(images.count, 2)
        XCTAssertEqual(images.rows, 2)
        XCTAssertEqual(images.cols, 3)
        XCTAssertEqual(images.pixels, pixels)
        XCTAssertEqual(try IDXReader.labels(TestSupport.idx(dimensions: [3], values: [7, 0, 9]), source: "l"), [7, 0, 9])
    }

    func testLabelsWhereImagesBelongIsWrongMagic() {
        let bytes = TestSupport.idx(dimensions: [3], values: [1, 2, 3])
        assertDataError(try IDXReader.images(bytes, source: "/data/train-images-idx3-ubyte"),
                        contains: ["/data/train-images-idx3-ubyte", "wrong magic number 0x00000801", "expected 0x00000803", "labels file"])
    }

    func testNonIDXBytesAreWrongMagic() {
        assertDataError(try IDXReader.labels(Array("label,p0\n".utf8), source: "x.csv"),
                        contains: ["x.csv", "wrong magic number 0x6c616265", "expected 0x00000801"])
        assertDataError(try IDXReader.parse([0x50, 0x4B, 3, 4, 0, 0], source: "y.zip"),
                        contains: ["y.zip", "wrong magic number", "not an IDX file"])
    }

    func testAnHTMLPageInPlaceOfTheFileIsNamed() {
        let page = Array("<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n".utf8)
        assertDataError(try IDXReader.images(page, source: "/d/train-images-idx3-ubyte"),
                        contains: ["/d/train-images-idx3-ubyte", "wrong magic number 0x3c21444f", "web page", "'<!DO'", "download the file again"])
        assertDataError(try IDXReader.parse(Array("\n  <html lang=en>".utf8), source: "p"), contains: ["p: wrong magic number", "web page", "'<htm'"])
    }

    func testALittleEndianHeaderIsNamed() {
        // The magic and the sizes written least significant byte first.
        let images = [3, 8, 0, 0] + TestSupport.littleEndian(1) + TestSupport.littleEndian(1) + TestSupport.littleEndian(2) + [5, 6]
        assertDataError(try IDXReader.images(images, source: "le-images"),
                        contains: ["le-images", "wrong magic number 0x03080000", "little-endian", "big-endian"])
        let labels = [1, 8, 0, 0] + TestSupport.littleEndian(1) + [5]
        assertDataError(try IDXReader.labels(labels, source: "le-labels"), contains: ["le-labels", "little-endian"])
    }

    func testUnsupportedTypeByte() {
        let floats = TestSupport.idx(type: 0x0D, dimensions: [1], values: [0, 0, 0, 0])
        assertDataError(try IDXReader.parse(floats, source: "f.idx"), contains: ["f.idx", "type byte 0x0d (float)", "not supported"])
    }

    func testTruncatedDataIsReported() {
        let bytes = TestSupport.idx(dimensions: [10, 8, 8], values: [UInt8](repeating: 1, count: 100))
        assertDataError(try IDXReader.images(bytes, source: "t.idx"),
                        contains: ["t.idx", "10 x 8 x 8", "need 640 data bytes", "has 100", "truncated"])
    }

    func testTruncatedHeaderIsReported() {
        let bytes = Array(TestSupport.idx(dimensions: [10, 8, 8], values: []).prefix(9))
        assertDataError(try IDXReader.images(bytes, source: "h.idx"), contains: ["h.idx", "3 dimensions", "only 9 bytes", "truncated"])
        assertDataError(try IDXReader.labels([0, 0], source: "s.idx"), contains: ["s.idx", "too short", "truncated"])
    }

    func testExtraBytesAreReported() {
        let bytes = TestSupport.idx(dimensions: [2], values: [1, 2, 3])
        assertDataError(try IDXReader.labels(bytes, source: "e.idx"), contains: ["e.idx", "need 2 data bytes", "has 3", "extra bytes"])
    }

    func testOverflowingSizesAreReportedNotTrapped() {
        let bytes = TestSupport.idx(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], values: [])
        assertDataError(try IDXReader.images(bytes, source: "o.idx"), contains: ["o.idx", "overflow"])
    }
}
