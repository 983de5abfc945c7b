import Foundation
import SelfAssemble
import SelfAssembleStore

/// What one case measured, in one process of its own (so that its peak resident memory is its own).
struct CaseResult: Codable {
    var benchCase: BenchCase
    var threads: Int
    var kernel: String
    /// Learning steps per second: `Simulation.advance` in the learning phase (minibatch
    /// gathering, the rule's plasticity, `Circuit.apply`), snapshots and epoch ends excluded.
    var learningStepsPerSecond: Double
    /// Development steps per second, `Simulation.advance`: the reciprocal stage (V and Vbar
    /// learn from noise) and the descending stage (W and Wbar learn from noise).
    var developmentStepsPerSecond: Double
    var descendingStepsPerSecond: Double
    /// Flops of the model's products in one learning step (StepProducts).
    var stepFlops: Double
    /// Seconds of one step's products at sgemm's own speed on each shape.
    var ceilingSeconds: Double
    /// Motif metrics of one snapshot (MotifMonitor.measure), seconds: with V_l and Vbar_l new to
    /// the monitor, and with them as at its last measurement (H_l and its spectrum reused).
    var metricsSeconds: Double
    var metricsSamePairSeconds: Double
    /// Recording one snapshot in the run (weights check, metrics, test accuracy), seconds.
    var recordSeconds: Double
    /// Writing one snapshot to HDF5 (the default compression; a run does this on the writer's thread), seconds.
    var writeSeconds: Double
    var peakResidentBytes: Int
    var modelBytes: Int
    var weightCount: Int

    var achievedGigaflops: Double { stepFlops * learningStepsPerSecond / 1e9 }
    var ceilingGigaflops: Double { stepFlops / ceilingSeconds / 1e9 }
    var ceilingFraction: Double { ceilingSeconds * learningStepsPerSecond }
    /// Share of a run's time that snapshots at the default interval (100 steps) cost, against
    /// 100 learning steps: recording one (the run waits for it), and recording and writing one
    /// (the writer's thread writes while the run goes on, so writing costs the run only where
    /// no core is free for it).
    var recordShare: Double { share(recordSeconds) }
    var snapshotShare: Double { share(recordSeconds + writeSeconds) }

    private func share(_ seconds: Double) -> Double {
        seconds / (100 / learningStepsPerSecond + seconds)
    }
}

/// Measures one case through the engine's public API, so it measures whatever the step is.
enum CaseMeasurement {
    /// Each timed sample lasts at least this long; the median of `samples` is reported.
    static let sampleSeconds = 0.25
    static let samples = 5
    static let warmUpSteps = 3

    /// The case's circuit, no snapshots.
    static func configuration(_ c: BenchCase, threads: Int) -> SimulationConfiguration {
        var configuration = SimulationConfiguration()
        configuration.seed = 1
        configuration.sizes = c.sizes
        configuration.ratios = [c.ratio]
        configuration.batch = c.batch
        configuration.threads = threads
        configuration.snapshotEvery = 1_000_000_000
        return configuration
    }

    /// Learning from the first step: no development. Without it the circuit's learning
    /// diverges (model.md): within a few hundred steps at eta_W = 0.1, about 2,000 at 0.001 on
    /// the digits shape. The rates change no work, and at eta_W = 0.0001 the circuit stays
    /// finite for the thousands of steps timed.
    static func learningOnly(_ configuration: SimulationConfiguration) -> SimulationConfiguration {
        var learning = configuration
        learning.developmentSteps = 0
        learning.descendingSteps = 0
        learning.epochs = 1_000_000
        learning.etaW = 1e-4
        return learning
    }

    /// Epochs of 64 minibatches and a one-sample test set, so that the accuracy at each
    /// epoch's end costs nothing (the test set's cost is in the snapshot's).
    static func timingData(_ c: BenchCase) -> DataSplit {
        randomData(features: c.sizes[0], classes: c.sizes.last!, train: c.batch * 64, test: 1)
    }

    static func run(_ c: BenchCase, threads: Int) throws -> CaseResult {
        BLAS.setThreads(threads)
        let kernel = BLASKernel.current(environment: ProcessInfo.processInfo.environment).summary
        let configuration = configuration(c, threads: threads)
        let architecture = try configuration.validated()
        let products = StepProducts(architecture: architecture, batch: c.batch)
        let learning = try measureLearning(c, configuration: configuration, architecture: architecture)
        let ceiling = products.ceilingSeconds(repetitions: 3)
        let reciprocalRate = try measureDevelopment(c, configuration: configuration, stage: .reciprocalStage)
        let descendingRate = try measureDevelopment(c, configuration: configuration, stage: .descendingStage)
        return CaseResult(benchCase: c, threads: threads, kernel: kernel, learningStepsPerSecond: learning.stepsPerSecond,
                          developmentStepsPerSecond: reciprocalRate, descendingStepsPerSecond: descendingRate, stepFlops: products.flops, ceilingSeconds: ceiling,
                          metricsSeconds: learning.metrics.newPair, metricsSamePairSeconds: learning.metrics.samePair, recordSeconds: learning.record, writeSeconds: learning.write,
                          peakResidentBytes: learning.peak, modelBytes: learning.modelBytes, weightCount: c.weightCount)
    }

    /// Learning steps per second, then the cost of one snapshot, and the peak resident memory
    /// with a snapshot held while the run goes on.
    static func measureLearning(_ c: BenchCase, configuration: SimulationConfiguration, architecture: Architecture)
        throws -> (stepsPerSecond: Double, metrics: (newPair: Double, samePair: Double), record: Double, write: Double, peak: Int, modelBytes: Int) {
        let learning = learningOnly(configuration)
        let ignore: (SimulationEvent) throws -> Void = { _ in }
        let rate = try {
            var simulation = try Simulation(configuration: learning, data: timingData(c))
            let rate = try stepsPerSecond {
                guard !simulation.isFinished else {
                    throw BenchError("\(c.name): the learning step diverged at step \(simulation.step); the timing would not be of a finite step")
                }
                try simulation.advance(ignore)
            }
            if let step = simulation.divergedAtStep {
                throw BenchError("\(c.name): the learning step diverged at step \(step); the timing would not be of a finite step")
            }
            return rate
        }()

        let data = randomData(features: c.sizes[0], classes: c.sizes.last!, train: c.batch * 4, test: c.testSamples)
        var simulation = try Simulation(configuration: learning, data: data)
        // The metrics with V and Vbar new to the monitor (development's reciprocal stage: H_l
        // and its spectrum computed again) and with them unchanged (learning at eta_V = 0).
        let m = simulation.monitor
        let fresh = (0..<3).map { _ in
            MotifMonitor(probeInput: m.probeInput, probeLabels: m.probeLabels, dynamics: m.circuitRule.dynamics,
                         topTeaching: m.circuitRule.topTeaching, rule: m.rule)
        }
        let metrics = (newPair: median(fresh.map { monitor in timed { _ = monitor.measure(simulation.circuit) } }),
                       samePair: median(fresh.map { monitor in timed { _ = monitor.measure(simulation.circuit) } }))
        var snapshot: Snapshot?
        _ = simulation.monitor.measure(simulation.circuit)  // V and Vbar as in a learning-phase snapshot at eta_V = 0
        let record = try timed { try simulation.start { if case .snapshot(let s) = $0 { snapshot = s } } }
        guard let snapshot else { throw BenchError("\(c.name): no snapshot was recorded") }
        // The next step changes the weights while the snapshot still holds the old ones, as in
        // a run: from here on both copies are resident.
        try simulation.advance(ignore)
        let peak = peakResidentBytes()
        let write = try writeOnce(snapshot, simulation: simulation)
        let dataBytes = 4 * (data.train.inputs.count + data.test.inputs.count) + 8 * (data.train.count + data.test.count)
        let model = ModelBytes(architecture: architecture, batch: c.batch, dataValues: dataBytes)
        return (rate, metrics, record, write, peak, model.total)
    }

    /// `count` learning steps of the case and nothing else (for a profiler: run it under
    /// `valgrind --tool=callgrind --toggle-collect='*Simulation*advance*'`).
    static func learningSteps(_ c: BenchCase, threads: Int, count: Int) throws {
        BLAS.setThreads(threads)
        var simulation = try Simulation(configuration: learningOnly(configuration(c, threads: threads)), data: timingData(c))
        for _ in 0..<count { try simulation.advance { _ in } }
    }

    /// Steps per second of one stage of development.
    static func measureDevelopment(_ c: BenchCase, configuration: SimulationConfiguration, stage: Phase) throws -> Double {
        var development = configuration
        development.developmentSteps = stage == .reciprocalStage ? 1_000_000_000 : 0
        development.descendingSteps = stage == .descendingStage ? 1_000_000_000 : 0
        development.epochs = 0
        var simulation = try Simulation(configuration: development,
                                        data: randomData(features: c.sizes[0], classes: c.sizes.last!, train: c.batch, test: 1))
        precondition(simulation.phase == stage)
        return try stepsPerSecond { try simulation.advance { _ in } }
    }

    /// Steps per second of `step`: warm-up, then `samples` timed samples of k steps each, k set
    /// from the warm-up so a sample lasts `sampleSeconds`; the median sample.
    static func stepsPerSecond(_ step: () throws -> Void) throws -> Double {
        let warm = try timed { for _ in 0..<warmUpSteps { try step() } } / Double(warmUpSteps)
        let k = max(1, Int((sampleSeconds / max(warm, 1e-9)).rounded(.up)))
        let rates = try (0..<samples).map { _ in Double(k) / (try timed { for _ in 0..<k { try step() } }) }
        return median(rates)
    }

    /// Seconds to write one snapshot into a new run file (at `simulate`'s default compression).
    static func writeOnce(_ snapshot: Snapshot, simulation: Simulation) throws -> Double {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("selfassemble-bench-\(getpid()).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RunWriter(creating: path, metadata: try RunMetadata(simulation: simulation), overwrite: true, compressionLevel: RunWriter.defaultCompressionLevel)
        defer { writer.close() }
        return try timed { try writer.append(snapshot) }
    }

    /// Normal inputs and the classes in turn (the step's cost does not depend on the values; a
    /// simulation refuses a training split that lacks a class, which random labels on a small
    /// split can).
    static func randomData(features: Int, classes: Int, train: Int, test: Int) -> DataSplit {
        var rng = Xoshiro256StarStar(seed: 3)
        func set(_ count: Int) -> LabeledData {
            LabeledData(inputs: Matrix(normal: count, features, std: 1, using: &rng),
                        labels: (0..<count).map { $0 % classes }, classes: classes)
        }
        return DataSplit(train: set(train), test: set(test), description: "random normal inputs (benchmark)")
    }

    /// VmHWM of /proc/self/status (the peak resident set), in bytes; 0 where it is not available.
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kilobytes * 1024
    }
}

func timed(_ work: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try work()
    return (clock.now - start).seconds
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
