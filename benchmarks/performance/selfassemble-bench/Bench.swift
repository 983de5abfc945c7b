import ArgumentParser
import Foundation
import SelfAssemble

/// `selfassemble-bench`: how fast the engine runs the model, against the sgemm ceiling of the
/// same BLAS and (with --numpy) against a NumPy implementation of the same step.
///
///     swift run -c release selfassemble-bench              # the quick set, a few minutes
///     swift run -c release selfassemble-bench --full       # the whole grid of the issue
///     bash benchmarks/performance/run.sh                   # the quick set beside NumPy
///
/// Each case runs in a process of its own (the same executable with --case), so that its peak
/// resident memory is its own and one case's heap does not slow the next.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfassemble-bench",
        abstract: "Learning and development steps/s, GFLOP/s against the sgemm ceiling, snapshot cost, peak memory, cost exponents.")

    @Flag(help: "The whole grid: widths 128, 256, 1024, 2048; 2, 4, 8 hidden levels; batch 32 and 256 (long).")
    var full = false

    @Option(help: "OpenBLAS threads, for the engine and for NumPy.")
    var threads = 1

    @Option(help: ArgumentHelp("Also time benchmarks/numpy/step.py (this path) on every case, with python3, and print the ratio.", valueName: "step.py"))
    var numpy: String?

    @Option(name: .customLong("speed-up"), help: ArgumentHelp("Instead of the table: each case at 1 thread and at N threads, back to back, and the speed-up.", valueName: "N"))
    var speedUp: Int?

    @Option(help: "Measure each case this many times, the engine and NumPy alternating, and keep the fastest of each (on a shared machine, noise only ever adds time).")
    var rounds = 1

    @Flag(help: "Only the three reference shapes (digits, MNIST, wide).")
    var referenceOnly = false

    @Option(help: ArgumentHelp("Only the case of this name (repeat for more), e.g. --full --only 'w2048 x8 B256'.", valueName: "name"))
    var only: [String] = []

    @Flag(help: "Print one JSON object per case instead of the table.")
    var json = false

    // One case, measured in this process (how the driver runs each case).
    @Option(help: .hidden) var name: String?
    @Option(help: .hidden) var sizes: String?
    @Option(help: .hidden) var batch: Int?
    @Option(help: .hidden) var ratio: Double = 2
    @Option(help: .hidden) var testSamples: Int = 500
    /// Only this many learning steps of the case, untimed: what a profiler (callgrind) looks at.
    @Option(help: .hidden) var profileSteps: Int?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be a positive integer, got \(threads)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be a positive integer, got \(rounds)") }
    }

    func run() throws {
        MemoryPolicy.reuseFreedMemory()  // as selfassemble does
        if let sizes, let batch {
            let c = BenchCase(name: name ?? sizes, sizes: sizes.split(separator: ",").compactMap { Int($0) }, batch: batch,
                              ratio: ratio, testSamples: testSamples)
            if let profileSteps {
                try CaseMeasurement.learningSteps(c, threads: threads, count: profileSteps)
                return
            }
            let result = try CaseMeasurement.run(c, threads: threads)
            let data = try JSONEncoder().encode(result)
            say(String(decoding: data, as: UTF8.self))
            return
        }
        let grid = (full ? BenchCase.fullGrid : BenchCase.quickGrid).filter { g in
            !BenchCase.reference.contains { $0.sizes == g.sizes && $0.batch == g.batch }
        }
        var cases = referenceOnly ? BenchCase.reference : BenchCase.reference + grid
        if !only.isEmpty {
            cases = cases.filter { only.contains($0.name) }
            guard !cases.isEmpty else { throw ValidationError("no case is named \(only.joined(separator: ", ")); names: \((BenchCase.reference + BenchCase.fullGrid).map(\.name).joined(separator: ", "))") }
        }
        let kernel = BLASKernel.current(environment: ProcessInfo.processInfo.environment)
        if let n = speedUp {
            say(BenchReport.machineLine(kernel: kernel, threads: n))
            say(BenchReport.speedUpHeader(threads: n))
            for c in cases {
                say(BenchReport.speedUpLine(one: try measureInChild(c, threads: 1), many: try measureInChild(c, threads: n)))
            }
            return
        }
        if !json {
            say(BenchReport.machineLine(kernel: kernel, threads: threads))
            say(BenchReport.header(numpy: numpy != nil))
        }
        var rows = [BenchReport.Row]()
        for c in cases {
            var results = [CaseResult](), references = [NumPyStep]()
            for _ in 0..<rounds {
                results.append(try measureInChild(c, threads: threads))
                if let numpy { references.append(try NumPyStep.measure(script: numpy, c, threads: threads)) }
            }
            let row = BenchReport.Row(result: results.max { $0.learningStepsPerSecond < $1.learningStepsPerSecond }!,
                                      numpy: references.max { $0.learningStepsPerSecond < $1.learningStepsPerSecond })
            rows.append(row)
            say(json ? row.json : row.line)
        }
        if !json {
            say("")
            for line in BenchReport.summary(rows) { say(line) }
        }
    }

    /// Runs this executable on one case and decodes its JSON line.
    private func measureInChild(_ c: BenchCase, threads: Int) throws -> CaseResult {
        let output = try ChildProcess.run(executable: ChildProcess.selfPath, arguments: c.arguments + ["--threads", "\(threads)"])
        guard let line = output.split(separator: "\n").last,
              let result = try? JSONDecoder().decode(CaseResult.self, from: Data(line.utf8)) else {
            throw BenchError("\(c.name): the measuring process printed no result: \(output)")
        }
        return result
    }
}

/// One line on standard output, unbuffered (a long run shows each case as it ends).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A child process run to the end; its standard output, or an error naming what went wrong.
enum ChildProcess {
    static var selfPath: String {
        let link = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        return FileManager.default.isExecutableFile(atPath: link) ? link : CommandLine.arguments[0]
    }

    static func run(executable: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit && process.terminationStatus == 0 else {
            throw BenchError("\(executable) \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)): "
                             + String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The first executable called `name` on PATH.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// The NumPy implementation of the same step (benchmarks/numpy/step.py), timed on the same case.
struct NumPyStep: Codable {
    var learningStepsPerSecond: Double
    var developmentStepsPerSecond: Double
    var descendingStepsPerSecond: Double
    var blas: String

    enum CodingKeys: String, CodingKey {
        case learningStepsPerSecond = "learning_steps_per_second"
        case developmentStepsPerSecond = "development_steps_per_second"
        case descendingStepsPerSecond = "descending_steps_per_second"
        case blas
    }

    static func measure(script: String, _ c: BenchCase, threads: Int) throws -> NumPyStep {
        guard let python = ChildProcess.which("python3") else { throw BenchError("--numpy needs python3 on PATH") }
        let output = try ChildProcess.run(executable: python, arguments: [script] + c.arguments + ["--threads", "\(threads)", "--json"])
        guard let line = output.split(separator: "\n").last,
              let result = try? JSONDecoder().decode(NumPyStep.self, from: Data(line.utf8)) else {
            throw BenchError("\(script) printed no result for \(c.name): \(output)")
        }
        return result
    }
}
