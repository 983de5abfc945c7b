import Foundation
import SelfAssemble
import XCTest
@testable import SelfAssembleConnectome

/// A relative data.path is relative to the connectome file's directory; the configuration
/// holds the absolute path, so the rendered definition works from anywhere.
final class DataPathTests: XCTestCase {
    func testARelativePathIsResolvedAgainstTheFilesDirectory() throws {
        let root = try TestSupport.temporaryDirectory(for: self)
        try TestSupport.write("label,x\n1,2\n", to: root.appendingPathComponent("data/set.csv"))
        let file = root.appendingPathComponent("circuits/c.yaml")
        try TestSupport.write("data: {path: ../data/set.csv}\n", to: file)
        let c = try ConnectomeFile.load(path: file.path).configuration
        XCTAssertEqual(c.data, root.appendingPathComponent("data/set.csv").standardizedFileURL.path)
        XCTAssertTrue(c.data!.hasPrefix("/"))
        XCTAssertFalse(c.data!.contains(".."))
    }

    func testAnAbsolutePathIsKept() throws {
        let root = try TestSupport.temporaryDirectory(for: self)
        let data = root.appendingPathComponent("d.csv").standardizedFileURL.path
        try TestSupport.write("1,2\n", to: URL(fileURLWithPath: data))
        let c = try ConnectomeFile.parse("data: {path: \(data)}\n", source: "x", baseDirectory: "/elsewhere").configuration
        XCTAssertEqual(c.data, data)
    }

    func testWithoutABaseDirectoryARelativePathStaysRelative() throws {
        let c = try ConnectomeFile.parse("data: {path: some/dir}\n", source: "x", baseDirectory: nil, requireData: false).configuration
        XCTAssertEqual(c.data, "some/dir")
    }

    func testRequireDataFalseAcceptsAMissingPathButStillResolvesIt() throws {
        let c = try ConnectomeFile.parse("data: {path: missing}\n", source: "x", baseDirectory: "/base", requireData: false).configuration
        XCTAssertEqual(c.data, "/base/missing")
    }

    func testATildeIsTheHomeDirectory() throws {
        let c = try ConnectomeFile.parse("data: {path: ~/x}\n", source: "x", baseDirectory: "/base", requireData: false).configuration
        XCTAssertEqual(c.data, (NSString(string: "~/x").expandingTildeInPath as String))
        XCTAssertFalse(c.data!.hasPrefix("~"))
    }

    func testNullPathIsTheSyntheticTask() throws {
        let c = try ConnectomeFile.parse("data: {path: null, test_fraction: 0.3}\n", source: "x", baseDirectory: "/base").configuration
        XCTAssertNil(c.data)
        XCTAssertEqual(c.testFraction, 0.3)
    }

    /// The rendered definition (what a run file stores) loads from another directory with the same data.
    func testTheRenderedDefinitionStandsAlone() throws {
        let root = try TestSupport.temporaryDirectory(for: self)
        try TestSupport.write("1,2\n", to: root.appendingPathComponent("data/d.csv"))
        let original = root.appendingPathComponent("a/c.yaml")
        try TestSupport.write("data: {path: ../data/d.csv}\n", to: original)
        let loaded = try ConnectomeFile.load(path: original.path)
        let copy = root.appendingPathComponent("elsewhere/deeper/copy.yaml")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ConnectomeFile.write(loaded, to: copy.path)
        XCTAssertEqual(try ConnectomeFile.load(path: copy.path).configuration, loaded.configuration)
    }
}
