import Foundation
import XCTest
@testable import SelfAssembleData

/// Shared helpers: where the shared digits data live, temporary directories, and writers for
/// IDX and gzip bytes that do not use the code under test (so the tests check it independently).
enum TestSupport {
    /// The package root, three levels above this file (Tests/SelfAssembleDataTests/TestSupport.swift).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The shared digits8x8 directory: $SELFASSEMBLE_SHARED/data/digits8x8, else ../shared/data/digits8x8
    /// next to the package. Skips the test when it is missing; the data are never copied into the project.
    static func digitsDirectory() throws -> String {
        let shared = ProcessInfo.processInfo.environment["SELFASSEMBLE_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.appendingPathComponent("../shared").standardizedFileURL
        let digits = shared.appendingPathComponent("data/digits8x8").path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: digits, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw XCTSkip("needs ../shared/data/digits8x8 (given to CI); not found at \(digits)")
        }
        return digits
    }

    /// A fresh temporary directory, removed when the test ends.
    static func temporaryDirectory(for test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("SelfAssembleDataTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    @discardableResult
    static func write(_ bytes: [UInt8], to directory: URL, name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @discardableResult
    static func write(_ text: String, to directory: URL, name: String) throws -> String {
        try write(Array(text.utf8), to: directory, name: name)
    }

    /// IDX bytes written by hand: two zero bytes, the type, the rank, big-endian sizes, values.
    static func idx(type: UInt8 = 0x08, dimensions: [Int], values: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for d in dimensions { bytes += bigEndian(UInt32(d)) }
        return bytes + values
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func littleEndian(_ value: UInt32) -> [UInt8] { bigEndian(value).reversed() }

    /// A gzip file holding `data` in stored (uncompressed) deflate blocks, written without zlib.
    static func gzipStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF]  // magic, deflate, no flags, mtime, xfl, OS unknown
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let last: UInt8 = offset + n == data.count ? 1 : 0
            out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset ..< offset + n]
            offset += n
        } while offset < data.count
        return out + littleEndian(crc32(data)) + littleEndian(UInt32(truncatingIfNeeded: data.count))
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// The output of `gzip -dc path`: un-gzipped by the system tool, independent of this module.
    /// Skips the test when gzip is not installed.
    static func gunzipWithSystemTool(_ path: String) throws -> [UInt8] {
        guard let gzip = ["/usr/bin/gzip", "/bin/gzip"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("needs the gzip tool to check un-gzipping independently")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "gzip -dc \(path)")
        return [UInt8](output)
    }
}

/// Asserts that `body` throws a `DataError` whose message contains every one of `fragments`
/// (the file's path and the words that name the problem) and is one line.
func assertDataError<T>(_ body: @autoclosure () throws -> T, contains fragments: [String],
                        file: StaticString = #filePath, line: UInt = #line) {
    do {
        let value = try body()
        XCTFail("expected a DataError containing \(fragments), got \(value)", file: file, line: line)
    } catch let error as DataError {
        for fragment in fragments {
            XCTAssertTrue(error.message.contains(fragment), "'\(error.message)' should contain '\(fragment)'", file: file, line: line)
        }
        XCTAssertFalse(error.message.contains("\n"), "one line: \(error.message)", file: file, line: line)
        XCTAssertEqual(error.description, error.message, file: file, line: line)
    } catch {
        XCTFail("expected a DataError, got \(type(of: error)): \(error)", file: file, line: line)
    }
}
