import Foundation
@testable import SelfAssembleExport
import XCTest

/// An export appears whole or not at all, and never replaces a user's directory unasked.
final class OutputDirectoryTests: XCTestCase {
    func testNonEmptyDirectoryIsRefusedUnlessOverwrite() throws {
        let directory = try ScratchDirectory()
        let run = directory.file("run.h5")
        try ExportFixture.writeRun(to: run)
        let out = directory.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out + "/notes.txt"))
        for overwrite in [false, true] {
            assertOneLineError(["refusing", out, "holds notes.txt", "which an export does not write"]) {
                try CircuitExporter.export(ExportRequest(runPath: run, format: .csv, snapshot: .last, outputDirectory: out, overwrite: overwrite))
            }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["notes.txt"], "left as it was")
        }

        // A previous export is replaced only with overwrite, and then file by file.
        try FileManager.default.removeItem(atPath: out + "/notes.txt")
        try CircuitExporter.export(ExportRequest(runPath: run, format: .sonata, snapshot: .last, outputDirectory: out))
        assertOneLineError(["refusing", out, "holds a previous export", "--overwrite"]) {
            try CircuitExporter.export(ExportRequest(runPath: run, format: .csv, snapshot: .last, outputDirectory: out))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).count, 5)
        try CircuitExporter.export(ExportRequest(runPath: run, format: .csv, snapshot: .last, outputDirectory: out, overwrite: true))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["edges.csv"], "the SONATA files are replaced")
        XCTAssertEqual(directory.contents(), ["out", "run.h5"])

        // An existing empty directory is used without --overwrite.
        let empty = directory.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        try CircuitExporter.export(ExportRequest(runPath: run, format: .sonata, snapshot: .last, outputDirectory: empty))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: empty).count, 5)
    }

    func testFailedExportLeavesNothingBehind() throws {
        let directory = try ScratchDirectory()
        let run = directory.file("run.h5")
        try ExportFixture.writeRun(to: run)
        assertOneLineError(["no snapshot at step 7", "nearest stored steps are 5 and 10"]) {
            try CircuitExporter.export(ExportRequest(runPath: run, format: .sonata, snapshot: .step(7), outputDirectory: directory.file("out")))
        }
        assertOneLineError(["no such file", directory.file("missing.h5")]) {
            try CircuitExporter.export(ExportRequest(runPath: directory.file("missing.h5"), format: .sonata, snapshot: .last, outputDirectory: directory.file("out")))
        }
        let text = directory.file("notes.txt")
        try Data("not a run".utf8).write(to: URL(fileURLWithPath: text))
        assertOneLineError(["not an HDF5 file"]) {
            try CircuitExporter.export(ExportRequest(runPath: text, format: .csv, snapshot: .last, outputDirectory: directory.file("out")))
        }
        XCTAssertEqual(directory.contents(), ["notes.txt", "run.h5"], "no output and no temporary directory")
    }

    /// A failure while the files are being written (here: thrown by the writer's body) removes
    /// the temporary directory and leaves the destination untouched.
    func testStagingIsRemovedWhenWritingFails() throws {
        let directory = try ScratchDirectory()
        let staged = try StagedDirectory(destination: directory.file("out"), overwrite: false)
        XCTAssertThrowsError(try staged.commit { staging -> Void in
            try Data("half".utf8).write(to: URL(fileURLWithPath: staging + "/nodes.h5"))
            throw ExportError("disk full")
        }) { XCTAssertEqual(String(describing: $0), "disk full") }
        XCTAssertEqual(directory.contents(), [], "neither the output nor the staging directory remains")

        let written = try staged.commit { staging -> Int in
            try Data("whole".utf8).write(to: URL(fileURLWithPath: staging + "/nodes.h5"))
            return 1
        }
        XCTAssertEqual(written, 1)
        XCTAssertEqual(directory.contents(), ["out"])
    }

    /// Into an existing directory: a failure while writing leaves the previous export as it
    /// was and no temporary directory; success replaces its files and removes those of it
    /// that the new export did not write.
    func testAnExistingDirectoryKeepsThePreviousExportUntilTheNewOneIsWhole() throws {
        let directory = try ScratchDirectory()
        let out = directory.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        for name in ["nodes.h5", "edges.h5"] { try Data("old \(name)".utf8).write(to: URL(fileURLWithPath: out + "/" + name)) }
        let names: Set<String> = ["nodes.h5", "edges.h5", "edges.csv"]
        let staged = try StagedDirectory(destination: out, overwrite: true, exportNames: names)
        XCTAssertThrowsError(try staged.commit { staging -> Void in
            try Data("half".utf8).write(to: URL(fileURLWithPath: staging + "/nodes.h5"))
            throw ExportError("disk full")
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), ["edges.h5", "nodes.h5"])
        XCTAssertEqual(try String(contentsOfFile: out + "/nodes.h5", encoding: .utf8), "old nodes.h5")

        try staged.commit { staging in try Data("new".utf8).write(to: URL(fileURLWithPath: staging + "/edges.csv")) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["edges.csv"])
        XCTAssertEqual(directory.contents(), ["out"])
    }

    func testUnusableDestinationsAreNamed() throws {
        let directory = try ScratchDirectory()
        let file = directory.file("file")
        try Data().write(to: URL(fileURLWithPath: file))
        assertOneLineError(["it is a file, not a directory"]) { _ = try StagedDirectory(destination: file, overwrite: true) }
        assertOneLineError(["does not exist", "create it first"]) {
            _ = try StagedDirectory(destination: directory.file("no/such/parent/out"), overwrite: false)
        }
        assertOneLineError(["empty"]) { _ = try StagedDirectory(destination: "", overwrite: false) }
    }
}
