import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// Data as users bring them (columns in different units, a class missing from the test split),
/// and what the run says about them and about itself (which rule, why learning diverged).
final class UserDataTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try CommandRunner.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A measurement-like table: 3 classes, Gaussian in 12 dimensions (class means N(0, 0.5^2 I),
    /// unit noise), then the columns multiplied by 0.1, 1, 100 and 1000 in turn and three of them
    /// shifted by a baseline. Returns the file and the accuracy of the Bayes classifier (nearest
    /// true class mean in the unscaled space) on the whole table: what the data allow.
    private func heterogeneousTable(samples: Int = 1500, seed: UInt64 = 1) throws -> (path: String, bayes: Double) {
        var rng = Xoshiro256StarStar(seed: seed, stream: 0)
        let d = 12, k = 3
        let means = (0..<k).map { _ in (0..<d).map { _ in 0.5 * rng.nextNormal() } }
        let scales: [Double] = [0.1, 1, 100, 1000, 0.1, 1, 100, 1000, 0.1, 1, 100, 1000]
        let baselines: [Double] = [0, 0, 0, 0, 5, 0, 0, 5000, 0, 0, 200, 0]
        var lines = ["label," + (1...d).map { "x\($0)" }.joined(separator: ",")]
        var correct = 0
        for _ in 0..<samples {
            let label = rng.nextInt(below: k)
            let x = means[label].map { $0 + rng.nextNormal() }
            let nearest = (0..<k).min { a, b in
                zip(x, means[a]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) < zip(x, means[b]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            }!
            if nearest == label { correct += 1 }
            lines.append("\(label)," + (0..<d).map { String(x[$0] * scales[$0] + baselines[$0]) }.joined(separator: ","))
        }
        let path = dir.appendingPathComponent("measurements.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (path, Double(correct) / Double(samples))
    }

    /// Seed 7: Bayes 0.900, bp 0.893, circuit 0.900. Divided by the table's largest value (the
    /// CSV reader's old scaling) the same table gives bp 0.527 and circuit 0.510.
    func testColumnsOnScalesFromTenthsToThousandsTrainAsWellAsTheDataAllow() throws {
        let table = try heterogeneousTable()
        XCTAssertGreaterThan(table.bayes, 0.85, "the table is learnable")
        let out = dir.appendingPathComponent("table.h5").path
        let result = try CommandRunner.run(["simulate", "--data", table.path, "--sizes", "12,64,3", "--compare-bp", "--json", "--out", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try XCTUnwrap(try CommandRunner.jsonLines(result).last)
        let circuit = try XCTUnwrap(summary["test_accuracy"] as? Double)
        let bp = try XCTUnwrap(summary["bp_test_accuracy"] as? Double)
        print("heterogeneous scales: Bayes \(table.bayes), bp \(bp), circuit \(circuit)")
        XCTAssertGreaterThanOrEqual(bp, table.bayes - 0.03, "bp reaches what the data allow (Bayes accuracy \(table.bayes))")
        XCTAssertGreaterThanOrEqual(circuit, bp - 0.03, "the circuit is within 3 points of bp")
        XCTAssertEqual(summary["classes_present"] as? [Int], [0, 1, 2])

        // The run file says what the inputs were: per-feature statistics in the file's units.
        let record = try XCTUnwrap(try RunReader(path: out).dataRecord())
        XCTAssertEqual(record.normalization.method, .zscore)
        XCTAssertEqual(record.classesPresent, [0, 1, 2])
        XCTAssertEqual(record.normalization.scale.count, 12)
        for (column, unit) in [(0, Float(0.1)), (1, 1), (2, 100), (3, 1000)] {
            // Each column's standard deviation is about sqrt(1 + 0.5^2) = 1.1 units.
            XCTAssertEqual(record.normalization.scale[column] / unit, 1.1, accuracy: 0.2, "column \(column + 1)")
        }
        XCTAssertEqual(record.normalization.offset[7], 5000, accuracy: 1000, "column 8: baseline 5000 plus the mean of class means (0.5 units each)")
    }

    func testAClassWithoutTestSamplesIsAWarningAndTheSummaryStatesTheClasses() throws {
        let idx = dir.appendingPathComponent("idx")
        try FileManager.default.createDirectory(at: idx, withIntermediateDirectories: true)
        let trainLabels = (0..<48).map { UInt8($0 % 3) }, testLabels: [UInt8] = [0, 1, 0, 1]
        try CommandRunner.idx([48, 2, 2], trainLabels.flatMap { [UInt8](repeating: 60 * $0, count: 4) }).write(to: idx.appendingPathComponent("train-images-idx3-ubyte"))
        try CommandRunner.idx([48], trainLabels).write(to: idx.appendingPathComponent("train-labels-idx1-ubyte"))
        try CommandRunner.idx([4, 2, 2], testLabels.flatMap { [UInt8](repeating: 60 * $0, count: 4) }).write(to: idx.appendingPathComponent("t10k-images-idx3-ubyte"))
        try CommandRunner.idx([4], testLabels).write(to: idx.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let result = try CommandRunner.run(["simulate", "--data", idx.path, "--sizes", "4,8,3", "--batch", "8", "--development-steps", "5",
                                            "--epochs", "1", "--out", dir.appendingPathComponent("w.h5").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("selfassemble: warning: class 2 has samples in the training split but none in the test split"), result.stderr)
        XCTAssertTrue(result.stdout.contains("  classes present in the training split: 0 to 2 (3 classes)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("pixels / 255"), result.stdout)
    }

    func testDivergenceSaysWhatTheRunShows() throws {
        let diverging = ["--sizes", "16,20,8", "--eta-w", "1e4", "--weight-decay", "0", "--epochs", "20", "--quiet"]
        let off = try CommandRunner.run(["simulate", "--development-steps", "0", "--out", dir.appendingPathComponent("off.h5").path] + diverging)
        XCTAssertEqual(off.status, 3, "a diverged run's exit status: \(off.stderr)")
        XCTAssertTrue(off.stdout.contains("the reciprocal stage of development was off (--development-steps 0), so Vbar never became the transpose of V"), off.stdout)
        let none = try CommandRunner.run(["simulate", "--development-steps", "0", "--descending-steps", "0",
                                          "--out", dir.appendingPathComponent("none.h5").path] + diverging)
        XCTAssertEqual(none.status, 3, none.stderr)
        XCTAssertTrue(none.stdout.contains("development was off (--development-steps 0 --descending-steps 0)"), none.stdout)

        let on = try CommandRunner.run(["simulate", "--development-steps", "50", "--compare-bp", "--out", dir.appendingPathComponent("on.h5").path] + diverging)
        XCTAssertEqual(on.status, 3, on.stderr)
        let line = try XCTUnwrap(on.stdoutLines.first { $0.hasPrefix("  learning diverged at step") }, on.stdout)
        XCTAssertTrue(line.contains("training loss"), line)
        XCTAssertTrue(line.contains("before it"), line)
        XCTAssertTrue(line.contains("eta_W = 10000 is too large for this circuit; lower --eta-w"), line)
        XCTAssertFalse(on.stdout.contains("development was off"), on.stdout)
        XCTAssertFalse(on.stdout.contains("without development"), on.stdout)
        XCTAssertTrue(on.stdout.contains("  bp learning diverged at step"), on.stdout)
    }

    func testABackpropRunIsLabelledAndSummarisedAsOne() throws {
        let result = try CommandRunner.run(["simulate", "--rule", "bp", "--sizes", "8,10,4", "--development-steps", "20", "--epochs", "2",
                                            "--batch", "16", "--out", dir.appendingPathComponent("bp.h5").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("[bp] learning epoch 2"), result.stderr)
        XCTAssertFalse(result.stderr.contains("[circuit]"), result.stderr)
        XCTAssertTrue(result.stdout.contains("  bp test accuracy: "), result.stdout)
        XCTAssertTrue(result.stdout.contains("of 2)"), "best epoch: \(result.stdout)")
        XCTAssertFalse(result.stdout.contains("not assembled"), result.stdout)
        XCTAssertFalse(result.stdout.contains("motif assembly"), result.stdout)
    }

    /// `--data` relative to the working directory is stored absolute, so `--resume` from another
    /// directory reads the same file; an edited file of the same shape is refused (it used to
    /// continue silently on the edited data).
    func testARelativeDataPathAndAnEditedDataFile() throws {
        _ = try heterogeneousTable(samples: 300)
        let out = dir.appendingPathComponent("run.h5").path
        let small = ["--sizes", "12,16,3", "--development-steps", "100", "--descending-steps", "50", "--epochs", "30",
                     "--batch", "8", "--snapshot-every", "10", "--quiet"]
        let (status, _) = try CommandRunner.startAndSignal(["simulate", "--data", "measurements.csv"] + small + ["--out", out],
                                                           in: dir, signal: SIGINT) { CommandRunner.snapshots(in: out) >= 3 }
        XCTAssertEqual(status, 130)
        let stored = try JSONSerialization.jsonObject(with: Data(try RunReader(path: out).configurationJSON.utf8)) as? [String: Any]
        XCTAssertEqual(stored?["data"] as? String, dir.appendingPathComponent("measurements.csv").standardizedFileURL.path)

        // Edited: one value changed, same shape.
        let table = dir.appendingPathComponent("measurements.csv")
        let original = try String(contentsOf: table, encoding: .utf8)
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: ",", with: ",1", options: [], range: lines[5].range(of: ","))
        try lines.joined(separator: "\n").write(to: table, atomically: true, encoding: .utf8)
        let elsewhere = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let edited = try CommandRunner.run(["simulate", "--resume", out, "--quiet"], in: elsewhere)
        XCTAssertEqual(edited.status, 1, edited.stderr)
        XCTAssertEqual(edited.stderrLines.count, 1, edited.stderr)
        XCTAssertTrue(edited.stderr.contains("the data have changed since the run was started"), edited.stderr)

        try original.write(to: table, atomically: true, encoding: .utf8)
        let resumed = try CommandRunner.run(["simulate", "--resume", out, "--quiet"], in: elsewhere)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }
}
