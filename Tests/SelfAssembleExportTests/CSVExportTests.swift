import Foundation
import SelfAssemble
import SelfAssembleExport
import SelfAssembleStore
import XCTest

/// The CSV edge list holds exactly the stored matrices: one row per synapse, ids within the
/// group, weights that read back as the same float32.
final class CSVExportTests: XCTestCase {
    private struct Row: Hashable {
        var source: String, sourceID: Int, target: String, targetID: Int, kind: String
    }

    private func parse(_ path: String) throws -> (header: String, rows: [Row: Float], count: Int) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.last, "", "the file ends with a line break")
        lines.removeLast()
        let header = lines.removeFirst()
        var rows = [Row: Float]()
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(f.count, 6, line)
            guard f.count == 6, let s = Int(f[1]), let t = Int(f[3]), let w = Float(f[5]) else { continue }
            let row = Row(source: f[0], sourceID: s, target: f[2], targetID: t, kind: f[4])
            XCTAssertNil(rows[row], "duplicate row \(line)")
            rows[row] = w
        }
        return (header, rows, lines.count)
    }

    func testEveryStoredWeightIsOneRow() throws {
        let directory = try ScratchDirectory()
        let run = directory.file("run.h5")
        try ExportFixture.writeRun(to: run)
        let reader = try RunReader(path: run)
        let steps = try reader.steps()
        let index = 3
        let result = try CircuitExporter.export(ExportRequest(
            runPath: run, format: .csv, snapshot: .step(steps[index]), outputDirectory: directory.file("csv")))
        XCTAssertEqual(result.step, steps[index])
        XCTAssertEqual(result.snapshotIndex, index)
        XCTAssertEqual(directory.contents(), ["csv", "run.h5"], "no staging directory is left behind")
        let (header, rows, count) = try parse(directory.file("csv/edges.csv"))
        XCTAssertEqual(header, "source_population,source_id,target_population,target_id,kind,weight")

        let architecture = try reader.architecture()
        let expectedCount = architecture.projections.reduce(0) { $0 + $1.rows * $1.cols }
        XCTAssertEqual(count, expectedCount)
        XCTAssertEqual(result.totalEdges, expectedCount)
        for projection in architecture.projections {
            let weights = try reader.weights(projection.name, snapshot: index)
            for r in 0..<weights.rows {
                for c in 0..<weights.cols {
                    let row = Row(source: projection.source.name, sourceID: c, target: projection.target.name, targetID: r, kind: projection.kind.rawValue)
                    XCTAssertEqual(rows[row]?.bitPattern, weights[r, c].bitPattern, "\(projection.name)[\(r), \(c)]")
                }
            }
        }
    }

    func testThresholdKeepsTheStrongSynapsesOnly() throws {
        let directory = try ScratchDirectory()
        let run = directory.file("run.h5")
        try ExportFixture.writeRun(to: run)
        let threshold: Float = 0.25
        try CircuitExporter.export(ExportRequest(runPath: run, format: .csv, snapshot: .last, threshold: Double(threshold),
                                                 outputDirectory: directory.file("csv")))
        let (_, rows, count) = try parse(directory.file("csv/edges.csv"))
        let reader = try RunReader(path: run)
        var expected = 0
        for projection in try reader.architecture().projections {
            let weights = try reader.weights(projection.name, snapshot: reader.snapshotCount - 1)
            for r in 0..<weights.rows {
                for c in 0..<weights.cols where abs(weights[r, c]) >= threshold {
                    expected += 1
                    let row = Row(source: projection.source.name, sourceID: c, target: projection.target.name, targetID: r, kind: projection.kind.rawValue)
                    XCTAssertEqual(rows[row]?.bitPattern, weights[r, c].bitPattern)
                }
            }
        }
        XCTAssertGreaterThan(expected, 0)
        XCTAssertEqual(count, expected, "only |w| >= \(threshold) is exported")
        XCTAssertTrue(rows.values.allSatisfy { abs($0) >= threshold })
    }

    func testInvalidThresholdIsRefused() throws {
        let directory = try ScratchDirectory()
        let run = directory.file("run.h5")
        try ExportFixture.writeRun(to: run)
        for bad in [-0.1, Double.nan, Double.infinity] {
            assertOneLineError(["--threshold", "finite number >= 0"]) {
                try CircuitExporter.export(ExportRequest(runPath: run, format: .csv, snapshot: .last, threshold: bad,
                                                         outputDirectory: directory.file("csv")))
            }
        }
        XCTAssertEqual(directory.contents(), ["run.h5"], "a refused export writes nothing")
    }
}
