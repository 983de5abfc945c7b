// What writing snapshots costs a run: the embedded default (seed 7, a snapshot every 100 steps,
// 50 snapshots) run in-process twice over, once handing every snapshot to the HDF5 writer (on its
// background thread, compression 1, as `selfassemble simulate` does) and once measuring the same
// snapshots but writing nothing. The difference is the cost of writing alone; the metrics are
// computed in both. `rounds` pairs, alternating, so that machine noise hits both; the fastest
// run of each kind is the estimate (on a shared virtual machine the noise is +-20% and only
// ever adds time), the median is shown beside it.
import Foundation
import SelfAssemble
import SelfAssembleStore

MemoryPolicy.reuseFreedMemory()  // as selfassemble does
let rounds = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 5
let configuration = SimulationConfiguration()
BLAS.setThreads(configuration.threads)  // as `simulate` does: 1 thread, the writer has the other core
let data = GaussianClusters.task(for: configuration)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-cost-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

func timedRun(writing: Bool) throws -> (seconds: Double, bytes: Int) {
    let started = Date()
    var simulation = try Simulation(configuration: configuration, data: data)
    let path = directory.appendingPathComponent("run.h5").path
    var writer: BackgroundRunWriter? = nil
    if writing {
        writer = BackgroundRunWriter(try RunWriter(creating: path, metadata: try RunMetadata(simulation: simulation),
                                                   overwrite: true, compressionLevel: 1))
    }
    let summary = try simulation.run { event in
        if case .snapshot(let snapshot) = event { try writer?.append(snapshot) }
    }
    let computed = Date().timeIntervalSince(started)
    try writer?.finish(summary: summary, comparison: nil)
    let seconds = Date().timeIntervalSince(started)
    if let writer, ProcessInfo.processInfo.environment["VERBOSE"] != nil {
        print("compute \(computed) total \(seconds) waited \(writer.seconds.waited) writing \(writer.seconds.writing)")
    }
    let bytes = writing ? (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0) : 0
    return (seconds, bytes)
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

var with = [Double](), without = [Double](), bytes = 0
for _ in 0..<rounds {
    let w = try timedRun(writing: true)
    with.append(w.seconds)
    bytes = w.bytes
    without.append(try timedRun(writing: false).seconds)
}
func cost(_ a: Double, _ b: Double) -> String { String(format: "%.1f %%", 100 * (a - b) / a) }
func s(_ x: Double) -> String { String(format: "%.2f", x) }
print("| run (seed 7, default circuit, 50 snapshots measured), \(rounds) of each | fastest | median |")
print("|---|---|---|")
print("| writing every snapshot to HDF5 (\(bytes / 1_000_000) MB) | \(s(with.min()!)) s | \(s(median(with))) s |")
print("| writing nothing | \(s(without.min()!)) s | \(s(median(without))) s |")
print("| cost of writing, share of the run | \(cost(with.min()!, without.min()!)) | \(cost(median(with), median(without))) |")
