// What snapshots cost a run.
//
//   snapshot-cost [ROUNDS]                 the embedded default (seed 7, a snapshot every 100
//                                          steps): writing alone, against measuring the same
//                                          snapshots and writing nothing
//   snapshot-cost [ROUNDS] --mnist DIR     784,256,256,10, batch 32, 2 epochs on MNIST: the
//                                          whole snapshot (metrics, test accuracy, writing at
//                                          compression 0 and 1) against a run that records only
//                                          its first and last snapshot
//
// Runs are in-process and alternate kind by kind within a round, so machine noise hits every
// kind; the fastest run of each kind is the estimate (on a shared virtual machine the noise is
// +-20% and only ever adds time), the median is shown beside it. Besides wall time, the MNIST
// mode reports the process's CPU time (user + system, every thread: the writer's deflate
// included), which is what snapshots cost where no core is free for the writer.
import Foundation
import SelfAssemble
import SelfAssembleData
import SelfAssembleStore

MemoryPolicy.reuseFreedMemory()  // as selfassemble does
var arguments = Array(CommandLine.arguments.dropFirst())
var mnist: String? = nil
if let i = arguments.firstIndex(of: "--mnist"), i + 1 < arguments.count {
    mnist = arguments[i + 1]
    arguments.removeSubrange(i...(i + 1))
}
let rounds = arguments.first.flatMap(Int.init) ?? 5
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-cost-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

/// One run's wall and CPU seconds and its file's size.
struct Timing {
    var seconds: Double
    var cpu: Double
    var bytes: Int
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// A whole run, as `simulate` does it: snapshots handed to the background writer at
/// `compression`, or (nil) measured and dropped.
func timedRun(_ configuration: SimulationConfiguration, _ data: DataSplit, compression: Int?) throws -> Timing {
    let started = Date(), cpu = cpuSeconds()
    var simulation = try Simulation(configuration: configuration, data: data)
    let path = directory.appendingPathComponent("run.h5").path
    var writer: BackgroundRunWriter? = nil
    if let compression {
        writer = BackgroundRunWriter(try RunWriter(creating: path, metadata: try RunMetadata(simulation: simulation),
                                                   overwrite: true, compressionLevel: compression))
    }
    let summary = try simulation.run { event in
        if case .snapshot(let snapshot) = event { try writer?.append(snapshot) }
    }
    try writer?.finish(summary: summary, comparison: nil)
    let seconds = Date().timeIntervalSince(started)
    let bytes = compression == nil ? 0 : (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0)
    return Timing(seconds: seconds, cpu: cpuSeconds() - cpu, bytes: bytes)
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
func share(_ a: Double, _ b: Double) -> String { String(format: "%.1f %%", 100 * (a - b) / b) }
func s(_ x: Double) -> String { String(format: "%.2f", x) }

/// `rounds` rounds of every kind, alternating; per kind the timings of every round.
func measure(_ kinds: [(name: String, run: () throws -> Timing)]) throws -> [[Timing]] {
    var timings = [[Timing]](repeating: [], count: kinds.count)
    for _ in 0..<rounds {
        for (k, kind) in kinds.enumerated() { timings[k].append(try kind.run()) }
    }
    return timings
}

if let mnist {
    var configuration = SimulationConfiguration()
    configuration.sizes = [784, 256, 256, 10]
    configuration.epochs = 2
    configuration.data = mnist
    BLAS.setThreads(configuration.threads)  // as `simulate` does: 1 thread, the writer has the other core
    let data = try DataLoader.load(path: mnist, testFraction: configuration.testFraction, seed: configuration.seed)
    var bare = configuration
    bare.snapshotEvery = 1_000_000_000  // only the first and the last snapshot
    let kinds: [(name: String, run: () throws -> Timing)] = [
        ("every \(configuration.snapshotEvery) steps, compression 0", { try timedRun(configuration, data, compression: 0) }),
        ("every \(configuration.snapshotEvery) steps, compression 1", { try timedRun(configuration, data, compression: 1) }),
        ("every \(configuration.snapshotEvery) steps, measured, not written", { try timedRun(configuration, data, compression: nil) }),
        ("first and last snapshot only, compression 0", { try timedRun(bare, data, compression: 0) }),
    ]
    let timings = try measure(kinds)
    let base = timings[3]
    print("| MNIST run (784,256,256,10, batch 32, \(configuration.epochs) epochs, seed \(configuration.seed)), \(rounds) of each | file | wall: fastest / median | CPU: fastest / median | snapshots' share of the run, wall / CPU (fastest) |")
    print("|---|---|---|---|---|")
    for (k, kind) in kinds.enumerated() {
        let t = timings[k]
        let wall = t.map(\.seconds), cpu = t.map(\.cpu)
        let cost = k == 3 ? "-" : "\(share(wall.min()!, base.map(\.seconds).min()!)) / \(share(cpu.min()!, base.map(\.cpu).min()!))"
        let file = t[0].bytes == 0 ? "-" : "\(t[0].bytes / 1_000_000) MB"
        print("| \(kind.name) | \(file) | \(s(wall.min()!)) / \(s(median(wall))) s | \(s(cpu.min()!)) / \(s(median(cpu))) s | \(cost) |")
    }
} else {
    let configuration = SimulationConfiguration()
    BLAS.setThreads(configuration.threads)
    let data = GaussianClusters.task(for: configuration)
    let timings = try measure([("written", { try timedRun(configuration, data, compression: RunWriter.defaultCompressionLevel) }),
                               ("not written", { try timedRun(configuration, data, compression: nil) })])
    let with = timings[0].map(\.seconds), without = timings[1].map(\.seconds)
    func cost(_ a: Double, _ b: Double) -> String { String(format: "%.1f %%", 100 * (a - b) / a) }
    print("| run (seed 7, default circuit, 50 snapshots measured), \(rounds) of each | fastest | median |")
    print("|---|---|---|")
    print("| writing every snapshot to HDF5 (\(timings[0][0].bytes / 1_000_000) MB) | \(s(with.min()!)) s | \(s(median(with))) s |")
    print("| writing nothing | \(s(without.min()!)) s | \(s(median(without))) s |")
    print("| cost of writing, share of the run | \(cost(with.min()!, without.min()!)) | \(cost(median(with), median(without))) |")
}
