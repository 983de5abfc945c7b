import ArgumentParser
import Foundation
import SelfAssemble

/// `selfassemble doctor`: the linear-algebra kernel every run rests on, checked and measured on
/// this machine. It prints the OpenBLAS version, the core type in use and whether
/// OPENBLAS_CORETYPE forces it, the thread count, the processor's vector instructions, the
/// measured sgemm GFLOP/s at 1024^3, checks every product form of the engine against a
/// double-precision reference, and says plainly when a faster kernel exists (measuring that
/// kernel in a separate process, so the user's own setting is never changed). Exit 1 when a
/// product is wrong: no result computed with that library can be trusted.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check and measure the BLAS kernel: version, core type, threads, sgemm GFLOP/s, correctness of the engine's products, faster kernels.",
        discussion: """
            OPENBLAS_CORETYPE, when set, is left as it is: doctor reports whether it forces the core type and, when a \
            kernel with wider vector instructions exists for this processor, measures that kernel in a separate process. \
            Exit status 1 when a product is outside its rounding bound.
            """)

    @Option(parsing: .unconditional, help: "OpenBLAS threads for the measurement, as 'simulate --threads'. Default: 1.")
    var threads: Int = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Size n of the n x n x n sgemm that is timed.", valueName: "n"))
    var size: Int = 1024

    @Flag(help: "Print one JSON object.")
    var json = false

    /// Prints only the measured GFLOP/s: the separate process that measures another core type.
    @Flag(help: .hidden)
    var sgemmOnly = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be a positive integer, got \(threads)") }
        guard size >= 1 else { throw ValidationError("--size must be a positive integer, got \(size)") }
    }

    func run() throws {
        BLAS.setThreads(threads)
        let shape = SGEMMThroughput.Shape(m: size, n: size, k: size)
        if sgemmOnly {
            Terminal.standardOutput(String(SGEMMThroughput.gigaflops(shape)))
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let kernel = BLASKernel.current(environment: environment)
        let processor = ProcessorDescription.read()
        let gigaflops = SGEMMThroughput.gigaflops(shape)
        let failures = ProductCheck.run()
        let checked = ProductCheck.engineCases.count
        let advice = processor.map { KernelAdvice(blas: kernel, cpuFlags: $0.flags) }
        // Vector width says which kernels could be faster; only a measurement says which is.
        // (Haswell's AVX2 kernel has measured faster than the AVX-512 ones on an AMD Zen 4.)
        var alternatives = [(coreType: String, gigaflops: Double?, problem: String?)]()
        if let advice, kernel.choosesCoreAtLoad {
            let candidates = KernelAdvice.VectorTier.allCases.filter { $0 >= .avx2 && $0 <= advice.processor && $0 != advice.kernel }
            alternatives = candidates.map { measure(coreType: $0.coreType, environment: environment) }
        }
        let fastest = alternatives.compactMap { a in a.gigaflops.map { (coreType: a.coreType, gigaflops: $0) } }.max { $0.gigaflops < $1.gigaflops }
        // A clear margin: single measurements on a shared machine move by several percent.
        let measuredFaster = fastest.flatMap { $0.gigaflops > 1.1 * gigaflops ? $0 : nil }
        let verdict: String? = alternatives.isEmpty ? nil : measuredFaster.map {
            String(format: "OPENBLAS_CORETYPE=%@ measured faster here (%.1f against %.1f GFLOP/s with %@): run with it, e.g. OPENBLAS_CORETYPE=%@ selfassemble simulate ...",
                   $0.coreType, $0.gigaflops, gigaflops, kernel.coreName, $0.coreType)
        } ?? "no other kernel measured more than 10% faster here than \(kernel.coreName): keep it"

        if json {
            var o: [String: Any] = [
                "software_version": SelfAssembleVersion.string, "blas": kernel.summary,
                "openblas_version": kernel.version as Any, "openblas_config": kernel.configuration,
                "core_type": kernel.coreName, "core_type_forced": kernel.isCoreForced,
                "openblas_coretype": kernel.coreTypeVariable as Any, "threads": kernel.threads,
                "processors": ProcessInfo.processInfo.activeProcessorCount,
                "processor": processor?.modelName as Any, "vector_flags": processor?.vectorFlags as Any,
                "sgemm_size": size, "sgemm_gflops": gigaflops,
                "products_checked": checked, "product_failures": failures.map(\.description),
                "wider_kernel_exists": advice?.widerKernelExists as Any, "advice": advice?.text as Any,
            ]
            o["alternatives"] = alternatives.map { ["core_type": $0.coreType, "sgemm_gflops": $0.gigaflops as Any] }
            o["measured_faster_core_type"] = measuredFaster?.coreType as Any
            o["verdict"] = verdict as Any
            Terminal.standardOutput(JSONLine.encode(o))
        } else {
            func line(_ label: String, _ text: String) {
                Terminal.standardOutput(label.padding(toLength: 16, withPad: " ", startingAt: 0) + text)
            }
            let forced = kernel.isCoreForced ? "forced by OPENBLAS_CORETYPE=\(kernel.coreTypeVariable ?? "")"
                : kernel.coreTypeVariable.map { "detected; OPENBLAS_CORETYPE=\($0) is set but does not name it" }
                ?? (kernel.choosesCoreAtLoad ? "detected for this processor; OPENBLAS_CORETYPE not set" : "the only one this build has")
            line("selfassemble", SelfAssembleVersion.string)
            line("BLAS library", kernel.configuration)
            line("core type", "\(kernel.coreName) (\(forced))")
            line("threads", "\(kernel.threads) of \(ProcessInfo.processInfo.activeProcessorCount) processors (--threads N; simulate uses 1 unless told)")
            if let processor {
                let tier = KernelAdvice.VectorTier(cpuFlags: processor.flags)
                line("processor", "\(processor.modelName ?? "unknown model"): \(tier.name) (\(processor.vectorFlags.joined(separator: " ")))")
            } else {
                line("processor", "unknown (no /proc/cpuinfo): no kernel advice")
            }
            line("sgemm", String(format: "%.1f GFLOP/s at %d x %d x %d, %d thread%@ (median of 5)", gigaflops, size, size, size,
                                 kernel.threads, kernel.threads == 1 ? "" : "s"))
            line("products", failures.isEmpty
                 ? "\(checked) product forms and the vector operations match a double-precision reference within rounding"
                 : "\(failures.count) WRONG: " + failures.map(\.description).joined(separator: "; "))
            if let advice { line("vector width", advice.text) }
            for alternative in alternatives {
                let measured = alternative.gigaflops.map { String(format: "%.1f GFLOP/s", $0) } ?? "not measured (\(alternative.problem ?? "unknown"))"
                line("alternative", "OPENBLAS_CORETYPE=\(alternative.coreType): \(measured), against \(String(format: "%.1f", gigaflops)) with \(kernel.coreName) (same size and threads, measured in a separate process just after)")
            }
            if let verdict { line("verdict", verdict) }
        }
        if !failures.isEmpty {
            throw DoctorFailure(kernel: kernel, failures: failures)
        }
    }

    /// The sgemm GFLOP/s of another core type, measured by this executable in a child process
    /// whose environment names it; this process's own kernel is not touched.
    private func measure(coreType: String, environment: [String: String]) -> (String, Double?, String?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        }
        process.arguments = ["doctor", "--sgemm-only", "--threads", "\(threads)", "--size", "\(size)"]
        var childEnvironment = environment
        childEnvironment["OPENBLAS_CORETYPE"] = coreType
        process.environment = childEnvironment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (coreType, nil, "cannot start \(process.executableURL!.path): \(error.localizedDescription)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0,
              let value = Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            let how = process.terminationReason == .uncaughtSignal ? "signal \(process.terminationStatus)" : "status \(process.terminationStatus)"
            return (coreType, nil, "the measuring process ended with \(how)")
        }
        return (coreType, value, nil)
    }
}

/// A BLAS product outside its rounding bound: one line naming the kernel and what to do.
struct DoctorFailure: Error, CustomStringConvertible {
    var kernel: BLASKernel
    var failures: [ProductCheck.Failure]

    var description: String {
        "the BLAS kernel \(kernel.coreName) of OpenBLAS \(kernel.version ?? "") computes wrong products (\(failures[0])): "
            + "results computed with it cannot be trusted; choose another core type with OPENBLAS_CORETYPE or install another OpenBLAS"
    }
}
