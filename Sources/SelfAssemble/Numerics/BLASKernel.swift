import COpenBLAS

/// The OpenBLAS library the engine runs on: its version, the core type whose kernels it uses,
/// and its thread count. The same seed and data give bit-identical results only on the same
/// kernel and thread count (a kernel fixes the order of each product's sums), which is why a
/// run file records this (root attribute `blas`) and `selfassemble doctor` prints it.
///
/// Everything here is a query of the loaded library (`openblas_get_config`,
/// `openblas_get_corename`, `openblas_get_num_threads`); the environment is passed in by the
/// caller, so the engine reads no files and no variables of its own.
public struct BLASKernel: Equatable, Sendable {
    /// The library's build description, e.g. `OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64`.
    public var configuration: String
    /// The core type whose kernels are in use, e.g. `SkylakeX`, `Haswell`, `Prescott`.
    public var coreName: String
    /// OpenBLAS threads the next product may use.
    public var threads: Int
    /// The value of OPENBLAS_CORETYPE when the library was loaded (nil: not set).
    public var coreTypeVariable: String?

    public init(configuration: String, coreName: String, threads: Int, coreTypeVariable: String?) {
        self.configuration = configuration
        self.coreName = coreName
        self.threads = threads
        self.coreTypeVariable = coreTypeVariable
    }

    /// The library loaded in this process. `environment` is the process environment
    /// (`ProcessInfo.processInfo.environment`), for OPENBLAS_CORETYPE.
    public static func current(environment: [String: String]) -> BLASKernel {
        BLASKernel(configuration: openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS (unknown build)",
                   coreName: openblas_get_corename().map { String(cString: $0) } ?? "unknown",
                   threads: BLAS.threads,
                   coreTypeVariable: environment["OPENBLAS_CORETYPE"])
    }

    /// The version number from the build description ("0.3.21"), nil if it has none.
    public var version: String? {
        let words = configuration.split(separator: " ")
        guard let i = words.firstIndex(of: "OpenBLAS"), i + 1 < words.count else { return nil }
        return String(words[i + 1])
    }

    /// True when the library carries kernels for many core types and picks one when it is
    /// loaded (DYNAMIC_ARCH): only then can OPENBLAS_CORETYPE choose another.
    public var choosesCoreAtLoad: Bool { configuration.split(separator: " ").contains("DYNAMIC_ARCH") }

    /// True when OPENBLAS_CORETYPE names the core type in use, i.e. the user's choice is what
    /// runs. OpenBLAS ignores a value it does not know and detects the core instead.
    public var isCoreForced: Bool {
        guard let v = coreTypeVariable, !v.isEmpty, choosesCoreAtLoad else { return false }
        return v.lowercased() == coreName.lowercased()
    }

    /// One line for run files and logs, e.g.
    /// `OpenBLAS 0.3.21, core Cooperlake (detected), 1 thread`.
    public var summary: String {
        let how: String
        if isCoreForced {
            how = "forced by OPENBLAS_CORETYPE"
        } else if let v = coreTypeVariable, !v.isEmpty {
            how = choosesCoreAtLoad ? "detected; OPENBLAS_CORETYPE=\(v) not recognised" : "built in; OPENBLAS_CORETYPE=\(v) has no effect"
        } else {
            how = choosesCoreAtLoad ? "detected" : "built in"
        }
        return "OpenBLAS \(version ?? "(unknown version)"), core \(coreName) (\(how)), \(threads) thread\(threads == 1 ? "" : "s")"
    }
}
