import Foundation
@testable import SelfAssembleFuzz
import XCTest

/// The fuzzing harness itself: that it tells a clean rejection from a broken property, and
/// that the seeded mutations are the same on every run.
final class HarnessTests: XCTestCase {
    private struct ForeignError: Error {}
    private struct OwnError: Error, CustomStringConvertible { var description: String }

    private func target(_ body: @escaping @Sendable ([UInt8], inout FuzzProbe) throws -> Void) -> FuzzTarget {
        FuzzTarget(name: "t", reads: "test", corpus: [], body: body)
    }

    func testOutcomes() throws {
        let scratch = try FuzzScratch()
        defer { scratch.remove() }
        let reads = target { _, probe in try probe.check("r", accepting: [OwnError.self]) { 1 } }
        XCTAssertEqual(reads.run([], in: scratch), .read("r"))
        let rejects = target { _, probe in try probe.check("r", accepting: [OwnError.self]) { throw OwnError(description: "bad input; fix it") } }
        XCTAssertEqual(rejects.run([], in: scratch), .rejected("bad input; fix it"))
        let foreign = target { _, probe in try probe.check("r", accepting: [OwnError.self]) { throw ForeignError() } }
        XCTAssertTrue(foreign.run([], in: scratch).isFailure)
        let twoLines = target { _, probe in try probe.check("r", accepting: [OwnError.self]) { throw OwnError(description: "a\rb") } }
        XCTAssertTrue(twoLines.run([], in: scratch).isFailure)
        let empty = target { _, probe in try probe.check("r", accepting: [OwnError.self]) { throw OwnError(description: " ") } }
        XCTAssertTrue(empty.run([], in: scratch).isFailure)
        let property = target { _, probe in try probe.require(false, "r", "round trip changed") }
        XCTAssertEqual(property.run([], in: scratch), .failed("r: round trip changed"))
    }

    func testMutationsAreDeterministicAndVaried() {
        let seeds: [[UInt8]] = [Array("label,a\n0,1\n".utf8), [0, 0, 8, 1, 0, 0, 0, 2, 7, 9]]
        var first = SeededMutator(seed: 5, seeds: seeds, dictionary: [Array("nan".utf8)])
        var second = SeededMutator(seed: 5, seeds: seeds, dictionary: [Array("nan".utf8)])
        let a = (0 ..< 500).map { _ in first.next() }
        XCTAssertEqual(a, (0 ..< 500).map { _ in second.next() })
        XCTAssertGreaterThan(Set(a).count, 400, "mutations repeat too often")
        XCTAssertTrue(a.contains { $0.count < 10 && $0.count > 0 }, "no truncation")
        XCTAssertTrue(a.contains { String(decoding: $0, as: UTF8.self).contains("nan") }, "no dictionary token")
    }

    func testDictionaryTokens() {
        let text = "# comment\nmagic=\"\\x00\\x00\\x08\\x03\"\n\"nan\"\n\"a\\\"b\"\nnot a token\n"
        XCTAssertEqual(FuzzCorpus.tokens(ofDictionary: text), [[0, 0, 8, 3], Array("nan".utf8), Array("a\"b".utf8)])
    }

    func testInputPartsRoundTrip() {
        let parts: [[UInt8]] = [[1, 2], [], Array("x".utf8)]
        XCTAssertEqual(FuzzInputParts.split(FuzzInputParts.join(parts)), parts)
        XCTAssertEqual(FuzzInputParts.split([9]), [[9]])
    }
}
