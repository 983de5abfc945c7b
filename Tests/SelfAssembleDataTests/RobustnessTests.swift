import XCTest
@testable import SelfAssembleData

/// Bad input must give a `DataError`, never a trap: the readers are fed short and random bytes.
final class RobustnessTests: XCTestCase {
    /// A small seeded generator so that a failure reproduces.
    private struct LCG {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
    }

    func testShortInputsThrowDataErrors() {
        assertDataError(try CSVReader.parse([0xEF, 0xBB, 0xBF, 0x61], source: "bom.csv"), contains: ["bom.csv", "1 column"])
        assertDataError(try CSVReader.parse([0xEF, 0xBB, 0xBF, 0, 0, 8, 1], source: "bomidx.csv"), contains: ["bomidx.csv", "IDX file"])
        assertDataError(try IDXReader.parse([], source: "e.idx"), contains: ["e.idx", "too short"])
        assertDataError(try Gzip.decompress([0x1F, 0x8B], source: "g.gz"), contains: ["g.gz", "truncated"])
    }

    func testRandomBytesNeverTrap() {
        var rng = LCG(state: 12345)
        let alphabet = Array("0123456789,-.e\n\r \"nanif".utf8) + [0, 8, 3, 1, 0x1F, 0x8B]
        for round in 0 ..< 3000 {
            let count = Int(rng.next() % 40)
            let bytes: [UInt8] = (0 ..< count).map { _ in
                round.isMultiple(of: 2) ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : UInt8(rng.next() & 0xFF)
            }
            // IDX-like and gzip-like prefixes reach deeper into the parsers.
            let variants = [bytes, [0, 0, 8, UInt8(count % 4)] + bytes, [0x1F, 0x8B, 8, 0] + bytes, Array("label,a\n".utf8) + bytes]
            for input in variants {
                for parse in [{ _ = try IDXReader.parse(input, source: "r") },
                              { _ = try IDXReader.images(input, source: "r") },
                              { _ = try CSVReader.parse(input, source: "r") },
                              { _ = try Gzip.decompress(input, source: "r") }] as [() throws -> Void] {
                    do { try parse() } catch is DataError {} catch { XCTFail("not a DataError: \(error)") }
                }
            }
        }
    }
}
