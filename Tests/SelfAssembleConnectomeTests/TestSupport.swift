import Foundation
import SelfAssemble
import XCTest
@testable import SelfAssembleConnectome

/// Where the shipped definitions are, temporary directories, and a helper that checks an
/// error message names the file, the field and the problem.
enum TestSupport {
    /// The package root, three levels above this file (Tests/SelfAssembleConnectomeTests/TestSupport.swift).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var connectomesDirectory: String { packageRoot.appendingPathComponent("Connectomes").path }

    /// The shipped `.yaml` files, listed independently of ``ConnectomeCatalog``.
    static func shippedFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: connectomesDirectory).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func shippedPath(_ file: String) -> String {
        URL(fileURLWithPath: connectomesDirectory).appendingPathComponent(file).path
    }

    /// A shipped definition, its data not required to exist.
    static func shipped(_ file: String) throws -> Connectome {
        try ConnectomeFile.load(path: shippedPath(file), requireData: false)
    }

    /// The shared digits directory the shipped digits circuits name (../shared beside the
    /// package, as their relative paths assume). Skips when it is missing.
    static func requireSharedDigits() throws {
        let digits = packageRoot.appendingPathComponent("../shared/data/digits8x8").standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: digits) else {
            throw XCTSkip("needs ../shared/data/digits8x8 (given to CI); not found at \(digits)")
        }
    }

    /// A fresh temporary directory, removed when the test ends.
    static func temporaryDirectory(for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("SelfAssembleConnectomeTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Parses `text` as the file `x.yaml` and returns the error it must raise.
    static func error(_ text: String, source: String = "Connectomes/x.yaml", file: StaticString = #filePath,
                      line: UInt = #line) -> ConnectomeError? {
        do {
            let c = try ConnectomeFile.parse(text, source: source, baseDirectory: "/nonexistent-base", requireData: true)
            XCTFail("parsed without error: \(c.configuration)", file: file, line: line)
            return nil
        } catch let error as ConnectomeError {
            return error
        } catch {
            XCTFail("not a ConnectomeError: \(error)", file: file, line: line)
            return nil
        }
    }

    /// Checks that parsing `text` fails with one line naming the file, `field`, the YAML line
    /// (when given) and containing every phrase of `problem`.
    static func assertRejects(_ text: String, field: String?, line yamlLine: Int? = nil, problem: [String],
                              file: StaticString = #filePath, line: UInt = #line) {
        guard let error = error(text, file: file, line: line) else { return }
        let message = error.description
        XCTAssertFalse(message.contains("\n"), "not one line: \(message)", file: file, line: line)
        XCTAssertTrue(message.hasPrefix("Connectomes/x.yaml"), "does not name the file: \(message)", file: file, line: line)
        XCTAssertEqual(error.field, field, "wrong field in: \(message)", file: file, line: line)
        if let field { XCTAssertTrue(message.contains(": \(field): "), "does not name \(field): \(message)", file: file, line: line) }
        if let yamlLine { XCTAssertEqual(error.line, yamlLine, "wrong line in: \(message)", file: file, line: line) }
        for phrase in problem {
            XCTAssertTrue(message.contains(phrase), "'\(phrase)' missing from: \(message)", file: file, line: line)
        }
    }
}
