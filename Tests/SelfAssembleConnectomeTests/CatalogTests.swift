import Foundation
import XCTest
@testable import SelfAssembleConnectome

/// The catalog behind `selfassemble connectomes` and `--connectome NAME`.
final class CatalogTests: XCTestCase {
    private var shipped: ConnectomeCatalog { ConnectomeCatalog(directory: TestSupport.connectomesDirectory) }

    func testTheCatalogListsEveryFileOfConnectomes() throws {
        let entries = try shipped.entries()
        XCTAssertEqual(entries.map(\.file), try TestSupport.shippedFiles())
        for entry in entries {
            XCTAssertNil(entry.error, "\(entry.file): \(entry.error ?? "")")
            XCTAssertFalse(entry.description.isEmpty, entry.file)
            XCTAssertNotNil(entry.configuration, entry.file)
        }
    }

    /// The README lists exactly the files that exist.
    func testTheReadmeMentionsEveryFileAndOnlyThose() throws {
        let readme = try String(contentsOfFile: TestSupport.connectomesDirectory + "/README.md", encoding: .utf8)
        let files = try TestSupport.shippedFiles()
        for file in files {
            XCTAssertTrue(readme.contains("| `\(file)` |"), "Connectomes/README.md has no line for \(file)")
        }
        let regex = try NSRegularExpression(pattern: "`([A-Za-z0-9_.-]+\\.yaml)`")
        let mentioned = Set(regex.matches(in: readme, range: NSRange(readme.startIndex..., in: readme)).map {
            String(readme[Range($0.range(at: 1), in: readme)!])
        })
        XCTAssertEqual(mentioned.subtracting(files), [], "the README mentions files that do not exist")
    }

    func testResolveByNameByFileNameAndByPath() throws {
        let digits = TestSupport.shippedPath("digits.yaml")
        XCTAssertEqual(try ConnectomeCatalog.resolve(nameOrPath: "digits", catalog: shipped), digits)
        XCTAssertEqual(try ConnectomeCatalog.resolve(nameOrPath: digits, catalog: shipped), digits)
        let dir = try TestSupport.temporaryDirectory(for: self)
        let own = dir.appendingPathComponent("digits").path  // a file named like a shipped one wins
        try TestSupport.write("seed: 1\n", to: URL(fileURLWithPath: own))
        XCTAssertEqual(try ConnectomeCatalog.resolve(nameOrPath: own, catalog: shipped), own)
    }

    func testResolveAnUnknownNameSuggestsAndListsTheShippedOnes() {
        XCTAssertThrowsError(try ConnectomeCatalog.resolve(nameOrPath: "digit", catalog: shipped)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("digit: no such file, and no connectome of that name"), message)
            XCTAssertTrue(message.contains("did you mean 'digits'?"), message)
            XCTAssertTrue(message.contains("ventral-stream"), message)
        }
    }

    func testResolveAMissingPath() {
        XCTAssertThrowsError(try ConnectomeCatalog.resolve(nameOrPath: "circuits/missing.yaml", catalog: shipped)) { error in
            XCTAssertTrue("\(error)".hasPrefix("circuits/missing.yaml: no such file"), "\(error)")
        }
    }

    func testLocateWalksUpFromTheExecutable() throws {
        let executable = TestSupport.packageRoot.appendingPathComponent(".build/x86_64/debug/selfassemble").path
        let catalog = try ConnectomeCatalog.locate(environment: [:], executablePath: executable, currentDirectory: "/")
        XCTAssertEqual(catalog.directory, TestSupport.connectomesDirectory)
    }

    func testLocateWalksUpFromTheWorkingDirectory() throws {
        let start = TestSupport.packageRoot.appendingPathComponent("Sources/SelfAssembleConnectome").path
        let catalog = try ConnectomeCatalog.locate(environment: [:], executablePath: "/usr/bin/selfassemble", currentDirectory: start)
        XCTAssertEqual(catalog.directory, TestSupport.connectomesDirectory)
    }

    func testTheDirectoryOptionAndTheEnvironmentComeFirst() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let fromOption = try ConnectomeCatalog.locate(override: dir.path, environment: [ConnectomeCatalog.environmentVariable: "/"],
                                                      executablePath: nil, currentDirectory: TestSupport.packageRoot.path)
        XCTAssertEqual(fromOption.directory, dir.standardizedFileURL.path)
        let fromEnvironment = try ConnectomeCatalog.locate(environment: [ConnectomeCatalog.environmentVariable: dir.path],
                                                           executablePath: nil, currentDirectory: TestSupport.packageRoot.path)
        XCTAssertEqual(fromEnvironment.directory, dir.standardizedFileURL.path)
        XCTAssertThrowsError(try ConnectomeCatalog.locate(environment: [ConnectomeCatalog.environmentVariable: "/no/such"],
                                                          executablePath: nil, currentDirectory: "/")) { error in
            XCTAssertTrue("\(error)".contains("SELFASSEMBLE_CONNECTOMES"), "\(error)")
        }
        XCTAssertThrowsError(try ConnectomeCatalog.locate(override: "/no/such", environment: [:], executablePath: nil, currentDirectory: "/")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/no/such: is not a directory"), "\(error)")
        }
    }

    func testNothingFoundIsOneClearLine() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        XCTAssertThrowsError(try ConnectomeCatalog.locate(environment: [:], executablePath: dir.path + "/bin/selfassemble",
                                                          currentDirectory: dir.path)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("Connectomes/: not found"), message)
            XCTAssertTrue(message.contains("--dir"), message)
            XCTAssertFalse(message.contains("\n"))
        }
    }

    func testABrokenFileIsListedWithItsError() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        try TestSupport.write("seed: 1\n", to: dir.appendingPathComponent("good.yaml"))
        try TestSupport.write("sed: 1\n", to: dir.appendingPathComponent("bad.yml"))
        try TestSupport.write("not a connectome", to: dir.appendingPathComponent("notes.txt"))
        let entries = try ConnectomeCatalog(directory: dir.path).entries()
        XCTAssertEqual(entries.map(\.file), ["bad.yml", "good.yaml"])
        XCTAssertTrue(entries[0].error?.contains("sed: unknown field; did you mean 'seed'?") ?? false, "\(entries[0])")
        XCTAssertNil(entries[1].error)
    }
}
