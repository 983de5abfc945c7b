import Foundation
import SelfAssemble

/// The benchmark's table, its summary against the issue's targets, and the fitted cost exponents.
enum BenchReport {
    struct Row {
        var result: CaseResult
        var numpy: NumPyStep?

        var ratio: Double? { numpy.map { result.learningStepsPerSecond / $0.learningStepsPerSecond } }

        var line: String {
            let r = result, c = r.benchCase
            var cells = [
                c.name, c.sizes.map(String.init).joined(separator: ","), "\(c.batch)",
                format(r.learningStepsPerSecond), format(r.developmentStepsPerSecond) + " / " + format(r.descendingStepsPerSecond),
                String(format: "%.1f", r.achievedGigaflops), String(format: "%.1f", r.ceilingGigaflops),
                String(format: "%.0f%%", 100 * r.ceilingFraction),
                String(format: "%.1f / %.1f", 1000 * r.metricsSeconds, 1000 * r.metricsSamePairSeconds),
                String(format: "%.1f + %.1f", 1000 * r.recordSeconds, 1000 * r.writeSeconds),
                String(format: "%.1f%% / %.1f%%", 100 * r.recordShare, 100 * r.snapshotShare),
                String(format: "%.0f", Double(r.peakResidentBytes) / 1e6), String(format: "%.2f", Double(r.peakResidentBytes) / Double(r.modelBytes)),
            ]
            if let numpy {
                cells += [format(numpy.learningStepsPerSecond), String(format: "%.2f", ratio!),
                          format(numpy.developmentStepsPerSecond) + " / " + format(numpy.descendingStepsPerSecond)]
            }
            return "| " + cells.joined(separator: " | ") + " |"
        }

        var json: String {
            var o: [String: Any] = [
                "name": result.benchCase.name, "sizes": result.benchCase.sizes, "batch": result.benchCase.batch,
                "ratio": result.benchCase.ratio, "threads": result.threads, "kernel": result.kernel,
                "learning_steps_per_second": result.learningStepsPerSecond,
                "development_steps_per_second": result.developmentStepsPerSecond,
                "descending_steps_per_second": result.descendingStepsPerSecond,
                "step_gflop": result.stepFlops / 1e9, "achieved_gflops": result.achievedGigaflops,
                "ceiling_gflops": result.ceilingGigaflops, "ceiling_fraction": result.ceilingFraction,
                "metrics_seconds": result.metricsSeconds, "metrics_same_pair_seconds": result.metricsSamePairSeconds, "record_seconds": result.recordSeconds,
                "write_seconds": result.writeSeconds, "record_share_at_100": result.recordShare,
                "snapshot_share_at_100": result.snapshotShare,
                "peak_resident_bytes": result.peakResidentBytes, "model_bytes": result.modelBytes,
                "weight_count": result.weightCount,
            ]
            if let numpy {
                o["numpy_learning_steps_per_second"] = numpy.learningStepsPerSecond
                o["numpy_development_steps_per_second"] = numpy.developmentStepsPerSecond
                o["numpy_descending_steps_per_second"] = numpy.descendingStepsPerSecond
                o["numpy_blas"] = numpy.blas
                o["ratio"] = ratio
            }
            let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func header(numpy: Bool) -> String {
        var names = ["case", "sizes", "B", "learning steps/s", "development steps/s: reciprocal / descending", "GFLOP/s", "sgemm ceiling GFLOP/s",
                     "of ceiling", "metrics ms: new V, Vbar / same", "snapshot ms (record + write)", "snapshots at 100: record / + write", "peak RSS MB", "RSS / model bytes"]
        if numpy { names += ["NumPy learning steps/s", "ratio", "NumPy development steps/s"] }
        return "| " + names.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: names.count)
    }

    static func speedUpHeader(threads n: Int) -> String {
        let names = ["case", "sizes", "B", "learning steps/s, 1 thread", "\(n) threads", "speed-up", "reciprocal-stage steps/s, 1 thread",
                     "\(n) threads", "speed-up", "sgemm ceiling speed-up"]
        return "| " + names.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: names.count)
    }

    static func speedUpLine(one: CaseResult, many: CaseResult) -> String {
        let c = one.benchCase
        return "| " + [c.name, c.sizes.map(String.init).joined(separator: ","), "\(c.batch)",
                       format(one.learningStepsPerSecond), format(many.learningStepsPerSecond),
                       String(format: "%.2f", many.learningStepsPerSecond / one.learningStepsPerSecond),
                       format(one.developmentStepsPerSecond), format(many.developmentStepsPerSecond),
                       String(format: "%.2f", many.developmentStepsPerSecond / one.developmentStepsPerSecond),
                       String(format: "%.2f", one.ceilingSeconds / many.ceilingSeconds)].joined(separator: " | ") + " |"
    }

    static func machineLine(kernel: BLASKernel, threads: Int) -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown processor"
        let coretype = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { "OPENBLAS_CORETYPE=\($0)" } ?? "OPENBLAS_CORETYPE not set"
        return "machine: \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) processors; \(kernel.configuration) (\(coretype)); "
            + "\(threads) thread\(threads == 1 ? "" : "s"); selfassemble \(SelfAssembleVersion.string), release build\n"
    }

    /// The issue's targets, as measured, and the fitted exponents of the cost.
    static func summary(_ rows: [Row]) -> [String] {
        var lines = [String]()
        if let blas = rows.compactMap({ $0.numpy?.blas }).first { lines.append("NumPy: \(blas)") }
        for row in rows where BenchCase.reference.contains(row.result.benchCase) {
            if let ratio = row.ratio {
                lines.append(String(format: "%@: %.2fx NumPy's learning steps/s (target >= 1.25)", row.result.benchCase.name, ratio))
            }
        }
        if let wide = rows.first(where: { $0.result.benchCase.sizes == [1024, 1024, 1024, 10] && $0.result.benchCase.batch == 256 }) {
            lines.append(String(format: "width 1024, batch 256: a learning step at %.0f%% of the sgemm ceiling on its shapes (target >= 75%%)",
                                100 * wide.result.ceilingFraction))
        }
        if let mnist = rows.first(where: { $0.result.benchCase.sizes == [784, 256, 256, 10] && $0.result.benchCase.batch == 32 }) {
            lines.append(String(format: "MNIST, batch 32: a snapshot every 100 steps costs %.1f%% of the run to record, %.1f%% with writing where no core is free for the writer (target <= 10%%)",
                                100 * mnist.result.recordShare, 100 * mnist.result.snapshotShare))
        }
        for row in rows where row.result.benchCase.sizes.count == 10 && row.result.benchCase.sizes[1] == 2048 {
            lines.append(String(format: "width 2048, 8 hidden levels, batch %d: peak RSS %.2f times weights + activations + data + one snapshot (target <= 2)",
                                row.result.benchCase.batch, Double(row.result.peakResidentBytes) / Double(row.result.modelBytes)))
        }
        if let fit = CostFit(rows.map(\.result)) {
            lines.append(String(format: "cost of a learning step ~ B^%.2f x S^%.2f (S: sum of weight-matrix sizes; least squares over %d cases, log-log; 1 and 1 is linear)",
                                fit.batchExponent, fit.sizeExponent, rows.count))
            let wide = rows.map(\.result).filter { $0.weightCount >= 1_000_000 }
            if let large = CostFit(wide) {
                lines.append(String(format: "  over the %d cases with S >= 10^6: B^%.2f x S^%.2f", wide.count, large.batchExponent, large.sizeExponent))
            }
        }
        return lines
    }

    static func format(_ x: Double) -> String {
        x >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x)
    }
}

/// Least squares of log(seconds per step) = c + alpha log B + beta log S over the cases.
struct CostFit {
    var batchExponent: Double
    var sizeExponent: Double

    init?(_ results: [CaseResult]) {
        let points = results.map { r in
            (x1: log(Double(r.benchCase.batch)), x2: log(Double(r.weightCount)), y: -log(r.learningStepsPerSecond))
        }
        guard points.count >= 4, Set(points.map(\.x1)).count >= 2, Set(points.map(\.x2)).count >= 2 else { return nil }
        // Normal equations of [1 x1 x2] beta = y, solved by Cramer's rule (3 x 3).
        var a = [[Double]](repeating: [0, 0, 0], count: 3), b = [0.0, 0, 0]
        for p in points {
            let v = [1, p.x1, p.x2]
            for i in 0..<3 {
                for j in 0..<3 { a[i][j] += v[i] * v[j] }
                b[i] += v[i] * p.y
            }
        }
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let d = det(a)
        guard abs(d) > 1e-12 else { return nil }
        func replaced(_ column: Int) -> [[Double]] {
            var m = a
            for i in 0..<3 { m[i][column] = b[i] }
            return m
        }
        batchExponent = det(replaced(1)) / d
        sizeExponent = det(replaced(2)) / d
    }
}
