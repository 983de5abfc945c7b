import XCTest
@testable import SelfAssembleData

/// Un-gzipping: against a gzip writer in the tests, and the failures of a damaged stream.
final class GzipTests: XCTestCase {
    let payload: [UInt8] = (0 ..< 150_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }

    func testDetectsGzipByMagicBytes() {
        XCTAssertTrue(Gzip.isGzip([0x1F, 0x8B, 0x08]))
        XCTAssertFalse(Gzip.isGzip([0x1F]))
        XCTAssertFalse(Gzip.isGzip([0, 0, 8, 3]))
    }

    func testInflatesMultiBlockStream() throws {
        // 150,000 bytes span three stored blocks and more than two 64 KiB output chunks.
        XCTAssertEqual(try Gzip.decompress(TestSupport.gzipStored(payload), source: "p.gz"), payload)
        XCTAssertEqual(try Gzip.decompress(TestSupport.gzipStored([]), source: "e.gz"), [])
    }

    func testInflatesConcatenatedMembers() throws {
        let a: [UInt8] = [1, 2, 3], b: [UInt8] = [4, 5]
        let bytes = TestSupport.gzipStored(a) + TestSupport.gzipStored(b) + [0, 0, 0]
        XCTAssertEqual(try Gzip.decompress(bytes, source: "c.gz"), a + b)
    }

    /// A file that inflates beyond the limit (a "zip bomb", or the wrong file) stops at the
    /// limit with one message, before it takes the machine's memory.
    func testInflatingBeyondTheLimitIsDataError() throws {
        let bytes = TestSupport.gzipStored(payload)
        assertDataError(try Gzip.decompress(bytes, source: "/d/huge.gz", limit: 100_000),
                        contains: ["/d/huge.gz", "inflate to more than 100000 bytes", "gunzip"])
        XCTAssertEqual(try Gzip.decompress(bytes, source: "/d/huge.gz", limit: payload.count), payload)
        XCTAssertGreaterThan(Gzip.defaultLimit, 1 << 28, "half of a machine's memory, far above MNIST's 47 MB")
    }

    func testCorruptChecksumIsDataError() {
        var bytes = TestSupport.gzipStored(payload)
        bytes[bytes.count - 6] ^= 0xFF  // inside the CRC-32
        assertDataError(try Gzip.decompress(bytes, source: "/d/bad.gz"), contains: ["/d/bad.gz", "corrupt", "incorrect data check"])
    }

    func testCorruptBlockIsDataError() {
        var bytes = TestSupport.gzipStored(payload)
        bytes[10] = 0x07  // block type 3 is reserved
        assertDataError(try Gzip.decompress(bytes, source: "b.gz"), contains: ["b.gz", "corrupt", "invalid block type"])
    }

    func testTruncatedStreamIsDataError() {
        let bytes = Array(TestSupport.gzipStored(payload).prefix(70_000))
        assertDataError(try Gzip.decompress(bytes, source: "t.gz"), contains: ["t.gz", "end early", "truncated"])
    }

    func testTrailingGarbageIsDataError() {
        let bytes = TestSupport.gzipStored([1, 2, 3]) + Array("junk".utf8)
        assertDataError(try Gzip.decompress(bytes, source: "g.gz"), contains: ["g.gz", "4 unexpected bytes"])
    }
}
