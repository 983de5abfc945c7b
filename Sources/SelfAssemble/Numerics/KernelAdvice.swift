/// Whether a faster OpenBLAS kernel exists for the processor: the widest vector instructions
/// the processor has (from its CPU flags, e.g. /proc/cpuinfo's `flags` line) against those
/// the kernel in use was written for (from its core name).
///
/// The sgemm kernels of OpenBLAS come in tiers of vector width, and each tier roughly doubles
/// single-precision throughput: measured on a 2-core AMD EPYC (Zen 4) with OpenBLAS 0.3.21,
/// one thread, 1024^3: 120 GFLOP/s with the Haswell (AVX2) kernel, 222 with SkylakeX
/// (AVX-512); an older OpenBLAS that does not know a new processor falls back to Prescott
/// (SSE3), measured near 60 GFLOP/s against 290 on an Intel Xeon. Advice never changes
/// anything: an explicit OPENBLAS_CORETYPE is the user's and stays.
public struct KernelAdvice: Equatable, Sendable {
    /// Vector instruction sets, in order of width.
    public enum VectorTier: Int, Comparable, Sendable, CaseIterable {
        case sse = 0, avx, avx2, avx512

        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

        /// How the tier is usually written.
        public var name: String {
            switch self {
            case .sse: "SSE"
            case .avx: "AVX"
            case .avx2: "AVX2 with FMA"
            case .avx512: "AVX-512"
            }
        }

        /// The OpenBLAS core type to name in OPENBLAS_CORETYPE for this tier: the generic
        /// member of each family, which runs on every processor of the tier.
        public var coreType: String {
            switch self {
            case .sse: "Prescott"
            case .avx: "Sandybridge"
            case .avx2: "Haswell"
            case .avx512: "SkylakeX"
            }
        }

        /// The widest tier a processor with these CPU flags (lower case, as Linux lists them) runs.
        public init(cpuFlags: Set<String>) {
            if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(cpuFlags.contains) {
                self = .avx512
            } else if cpuFlags.contains("avx2") && cpuFlags.contains("fma") {
                self = .avx2
            } else if cpuFlags.contains("avx") {
                self = .avx
            } else {
                self = .sse
            }
        }

        /// The tier an OpenBLAS core type's kernels use (core names of OpenBLAS 0.3, any case);
        /// unknown names, `generic` included, count as SSE.
        public init(coreName: String) {
            switch coreName.lowercased() {
            case "skylakex", "cooperlake", "sapphirerapids": self = .avx512
            case "haswell", "zen", "excavator": self = .avx2
            case "sandybridge", "bulldozer", "piledriver", "steamroller": self = .avx
            default: self = .sse
            }
        }
    }

    /// The widest tier the processor runs.
    public var processor: VectorTier
    /// The tier of the kernel in use.
    public var kernel: VectorTier
    public var blas: BLASKernel

    /// - Parameters: blas: the library in use; cpuFlags: the processor's flags, lower case.
    public init(blas: BLASKernel, cpuFlags: Set<String>) {
        self.blas = blas
        processor = VectorTier(cpuFlags: cpuFlags)
        kernel = VectorTier(coreName: blas.coreName)
    }

    /// True when a kernel using wider vector instructions would run on this processor (usually
    /// faster, not always: `selfassemble doctor` measures).
    public var widerKernelExists: Bool { kernel < processor }

    /// The advice in plain words: one sentence, with the command that changes it when one does.
    public var text: String {
        guard widerKernelExists else {
            return "the kernel (\(blas.coreName), \(kernel.name)) uses the widest vector instructions this processor has; no wider kernel exists for it (a narrower one can still measure faster: doctor measures them)."
        }
        let gap = "a kernel with wider vector instructions exists: this processor has \(processor.name), but OpenBLAS uses \(blas.coreName) (\(kernel.name))"
        if !blas.choosesCoreAtLoad {
            return gap + "; this OpenBLAS was built for one core type only: install a build with DYNAMIC_ARCH (Debian and Ubuntu's libopenblas0-pthread is one) and run with OPENBLAS_CORETYPE=\(processor.coreType)."
        }
        if blas.isCoreForced {
            return gap + " because OPENBLAS_CORETYPE=\(blas.coreTypeVariable ?? "") is set; selfassemble keeps your choice. OPENBLAS_CORETYPE=\(processor.coreType) would use \(processor.name)."
        }
        return gap + " (this OpenBLAS \(blas.version ?? "") does not recognise the processor); run with OPENBLAS_CORETYPE=\(processor.coreType), e.g. OPENBLAS_CORETYPE=\(processor.coreType) selfassemble simulate ..."
    }
}
