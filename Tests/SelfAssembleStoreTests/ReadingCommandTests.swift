import CHDF5
import Foundation
import SelfAssembleStore
import SelfAssembleTestSupport
import XCTest

/// `selfassemble validate` and `selfassemble inspect` as a user runs them.
final class ReadingCommandTests: XCTestCase {
    private func selfassemble(_ arguments: [String], in directory: String) throws -> Python.Result {
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(directory)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        return try Python.run(TestLocations.selfassemble.path, arguments)
    }

    func testValidateCommand() throws {
        let directory = try TemporaryDirectory()
        let run = try TinyRun.write(to: directory.file("run.h5"), compare: false)
        let valid = try selfassemble(["validate", "run.h5"], in: directory.path)
        XCTAssertEqual(valid.status, 0, valid.output)
        XCTAssertEqual(valid.stdout, "run.h5: valid (format 1, \(run.snapshots.count) snapshots, complete)\n")
        XCTAssertEqual(valid.stderr, "")

        try FileManager.default.copyItem(atPath: directory.file("run.h5"), toPath: directory.file("broken.h5"))
        try ForeignFile.modify(directory.file("broken.h5")) { file in
            XCTAssertGreaterThanOrEqual(H5Ldelete(file, "metrics/test_accuracy", sa_H5P_DEFAULT()), 0)
            XCTAssertGreaterThanOrEqual(H5Ldelete(file, "projections/V_2", sa_H5P_DEFAULT()), 0)
        }
        let broken = try selfassemble(["validate", "broken.h5"], in: directory.path)
        XCTAssertEqual(broken.status, 1, broken.output)
        XCTAssertEqual(broken.stdout.split(separator: "\n"), [
            "broken.h5: /projections/V_2: missing dataset (float32)",
            "broken.h5: /metrics/test_accuracy: missing dataset (float64)",
        ])
        XCTAssertTrue(broken.stderr.hasPrefix("selfassemble: error: broken.h5 does not follow the run-file layout: 2 violations"), broken.stderr)
        XCTAssertEqual(broken.stderr.split(separator: "\n").count, 1)

        let json = try selfassemble(["validate", "--json", "broken.h5"], in: directory.path)
        XCTAssertEqual(json.status, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["valid"] as? Bool, false)
        XCTAssertEqual((object["errors"] as? [[String: Any]])?.compactMap { $0["location"] as? String }, ["/projections/V_2", "/metrics/test_accuracy"])

        try Data("x,y\n".utf8).write(to: URL(fileURLWithPath: directory.file("table.h5")))
        for (file, fragment) in [("table.h5", "table.h5 is not an HDF5 file"), ("nothing.h5", "no such file: nothing.h5")] {
            let result = try selfassemble(["validate", file], in: directory.path)
            XCTAssertEqual(result.status, 1, result.output)
            XCTAssertEqual(result.stdout, "")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertTrue(result.stderr.hasPrefix("selfassemble: error: ") && result.stderr.contains(fragment), result.stderr)
        }
    }

    func testInspectCommand() throws {
        let directory = try TemporaryDirectory()
        let run = try TinyRun.write(to: directory.file("run.h5"), compare: false)
        let text = try selfassemble(["inspect", "run.h5"], in: directory.path)
        XCTAssertEqual(text.status, 0, text.output)
        XCTAssertTrue(text.stdout.hasPrefix("run.h5: selfassemble run file, format 1"), text.stdout)
        XCTAssertTrue(text.stdout.contains("seed           11"), text.stdout)
        XCTAssertTrue(text.stdout.contains("  V_3      U_3 -> D_3    basal   6 x 3"), text.stdout)

        let json = try selfassemble(["inspect", "--json", "run.h5"], in: directory.path)
        XCTAssertEqual(json.status, 0, json.output)
        let decoded = try JSONDecoder().decode(RunInspection.self, from: Data(json.stdout.utf8))
        XCTAssertEqual(decoded.snapshots.steps, run.snapshots.map(\.step))
        XCTAssertEqual(decoded.file, "run.h5")

        let missing = try selfassemble(["inspect", "nothing.h5"], in: directory.path)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "selfassemble: error: no such file: nothing.h5; check the path of the run file\n")
    }
}
