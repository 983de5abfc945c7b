import Foundation
import SelfAssemble
import XCTest

/// The BLAS kernel under the engine: every product form the engine uses agrees with a plain
/// double-precision reference (so a wrong kernel is caught, not trusted), the check itself
/// fails on wrong products, and the kernel report and advice say what they should.
final class KernelTests: XCTestCase {
    func testEveryProductFormOfTheEngineMatchesTheDoubleReference() {
        let failures = ProductCheck.run()
        XCTAssertEqual(failures, [], "kernel \(BLASKernel.current(environment: [:]).coreName): \(failures)")
    }

    func testTheCasesCoverEveryTransposeAlphaBetaAndShapeClass() {
        let cases = ProductCheck.engineCases
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            XCTAssertTrue(cases.contains { $0.transposeA == ta && $0.transposeB == tb }, "op(A) \(ta), op(B) \(tb)")
        }
        XCTAssertTrue(cases.contains { $0.alpha == -1 && $0.beta == 0 }, "updates: alpha -1")
        XCTAssertTrue(cases.contains { $0.beta != 0 && $0.beta != 1 && $0.alpha != 1 }, "decay folded in: alpha and beta")
        XCTAssertTrue(cases.contains { $0.m == 1 && $0.n == 1 && $0.k == 1 }, "1 x 1 x 1")
        XCTAssertTrue(cases.contains { $0.k == 0 }, "empty inner dimension")
        XCTAssertTrue(cases.contains { $0.m % 2 == 1 && $0.n % 2 == 1 && $0.k % 2 == 1 && $0.m > 16 }, "odd sizes beyond one register block")
        XCTAssertTrue(cases.contains { $0.m >= 256 && $0.n >= 256 && $0.k >= 256 }, "large enough to cross the kernel's blocking")
    }

    func testTheCheckCatchesAWrongProduct() {
        // Every form of product, at the sizes the debug build checks quickly.
        let cases = ProductCheck.engineCases.filter { $0.k >= 1 && $0.m * $0.n * $0.k <= 2_000_000 }
        XCTAssertGreaterThan(Set(cases.map { "\($0.transposeA)\($0.transposeB)\($0.beta)" }).count, 4)
        // A kernel that drops the last term of every sum.
        let dropsATerm: ProductCheck.GEMM = { a, ta, b, tb, alpha, beta, c in
            let k = ta ? a.rows : a.cols
            let keep = k - 1
            var ac = Matrix(zeros: ta ? keep : a.rows, ta ? a.cols : keep)
            for i in 0..<ac.rows { for j in 0..<ac.cols { ac[i, j] = a[i, j] } }
            var bc = Matrix(zeros: tb ? b.rows : keep, tb ? keep : b.cols)
            for i in 0..<bc.rows { for j in 0..<bc.cols { bc[i, j] = b[i, j] } }
            BLAS.gemm(ac, transposeA: ta, bc, transposeB: tb, alpha: alpha, beta: beta, into: &c)
        }
        XCTAssertEqual(ProductCheck.run(cases, gemm: dropsATerm).filter { $0.operation.hasPrefix("sgemm") }.count, cases.count)
        // A kernel that rounds its result through bfloat16 (8 significant bits).
        let bfloat16: ProductCheck.GEMM = { a, ta, b, tb, alpha, beta, c in
            BLAS.gemm(a, transposeA: ta, b, transposeB: tb, alpha: alpha, beta: beta, into: &c)
            c.apply { Float(bitPattern: $0.bitPattern & 0xFFFF_0000) }
        }
        let large = cases.filter { $0.m * $0.n >= 100 }
        XCTAssertEqual(ProductCheck.run(large, gemm: bfloat16).filter { $0.operation.hasPrefix("sgemm") }.count, large.count)
        // A kernel that ignores beta, and one that returns NaN.
        let ignoresBeta: ProductCheck.GEMM = { a, ta, b, tb, alpha, _, c in
            BLAS.gemm(a, transposeA: ta, b, transposeB: tb, alpha: alpha, beta: 0, into: &c)
        }
        let withBeta = cases.filter { $0.beta != 0 }
        XCTAssertEqual(ProductCheck.run(withBeta, gemm: ignoresBeta).filter { $0.operation.hasPrefix("sgemm") }.count, withBeta.count)
        let nan: ProductCheck.GEMM = { _, _, _, _, _, _, c in c.values[c.count - 1] = .nan }
        let failures = ProductCheck.run([cases[3]], gemm: nan).filter { $0.operation.hasPrefix("sgemm") }
        XCTAssertEqual(failures.count, 1)
        XCTAssertTrue(failures[0].description.contains("not finite"), failures[0].description)
    }

    func testKernelReportParsesTheLibrary() {
        let detected = BLASKernel(configuration: "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64",
                                  coreName: "Cooperlake", threads: 1, coreTypeVariable: nil)
        XCTAssertEqual(detected.version, "0.3.21")
        XCTAssertTrue(detected.choosesCoreAtLoad)
        XCTAssertFalse(detected.isCoreForced)
        XCTAssertEqual(detected.summary, "OpenBLAS 0.3.21, core Cooperlake (detected), 1 thread")

        var forced = detected
        forced.coreName = "Haswell"
        forced.coreTypeVariable = "haswell"
        forced.threads = 2
        XCTAssertTrue(forced.isCoreForced, "OpenBLAS compares core names without case")
        XCTAssertEqual(forced.summary, "OpenBLAS 0.3.21, core Haswell (forced by OPENBLAS_CORETYPE), 2 threads")

        var unknown = detected
        unknown.coreTypeVariable = "Zen9"
        XCTAssertFalse(unknown.isCoreForced)
        XCTAssertEqual(unknown.summary, "OpenBLAS 0.3.21, core Cooperlake (detected; OPENBLAS_CORETYPE=Zen9 not recognised), 1 thread")

        let single = BLASKernel(configuration: "OpenBLAS 0.3.26  USE_OPENMP Haswell MAX_THREADS=8", coreName: "Haswell",
                                threads: 1, coreTypeVariable: "Haswell")
        XCTAssertFalse(single.choosesCoreAtLoad)
        XCTAssertFalse(single.isCoreForced, "a build for one core ignores OPENBLAS_CORETYPE")
        XCTAssertEqual(single.summary, "OpenBLAS 0.3.26, core Haswell (built in; OPENBLAS_CORETYPE=Haswell has no effect), 1 thread")
    }

    func testTheLoadedLibraryIsDescribed() {
        let kernel = BLASKernel.current(environment: ["OPENBLAS_CORETYPE": "x"])
        XCTAssertNotNil(kernel.version, kernel.configuration)
        XCTAssertFalse(kernel.coreName.isEmpty)
        XCTAssertEqual(kernel.coreTypeVariable, "x")
        XCTAssertEqual(kernel.threads, BLAS.threads)
    }

    func testAdviceComparesTheProcessorWithTheKernel() {
        let avx512: Set = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq"]
        let avx2: Set = ["sse3", "avx", "avx2", "fma"]
        func kernel(_ core: String, forced: String? = nil, dynamic: Bool = true) -> BLASKernel {
            BLASKernel(configuration: "OpenBLAS 0.3.21 \(dynamic ? "DYNAMIC_ARCH " : "")\(core) MAX_THREADS=64", coreName: core,
                       threads: 1, coreTypeVariable: forced)
        }
        XCTAssertFalse(KernelAdvice(blas: kernel("SkylakeX"), cpuFlags: avx512).widerKernelExists)
        XCTAssertFalse(KernelAdvice(blas: kernel("Cooperlake"), cpuFlags: avx512).widerKernelExists)
        XCTAssertFalse(KernelAdvice(blas: kernel("Zen"), cpuFlags: avx2).widerKernelExists)
        XCTAssertTrue(KernelAdvice(blas: kernel("Zen"), cpuFlags: avx2).text.contains("no wider kernel exists"))

        // An OpenBLAS that does not know a new Xeon falls back to Prescott.
        let prescott = KernelAdvice(blas: kernel("Prescott"), cpuFlags: avx512)
        XCTAssertTrue(prescott.widerKernelExists)
        XCTAssertEqual(prescott.processor, .avx512)
        XCTAssertEqual(prescott.kernel, .sse)
        XCTAssertTrue(prescott.text.hasPrefix("a kernel with wider vector instructions exists"), prescott.text)
        XCTAssertTrue(prescott.text.contains("OPENBLAS_CORETYPE=SkylakeX"), prescott.text)

        let haswellOnAVX512 = KernelAdvice(blas: kernel("Haswell"), cpuFlags: avx512)
        XCTAssertTrue(haswellOnAVX512.widerKernelExists)
        let generic = KernelAdvice(blas: kernel("generic"), cpuFlags: avx2)
        XCTAssertTrue(generic.text.contains("OPENBLAS_CORETYPE=Haswell"), generic.text)

        // The user's explicit choice is named and kept.
        let forced = KernelAdvice(blas: kernel("Haswell", forced: "Haswell"), cpuFlags: avx512)
        XCTAssertTrue(forced.widerKernelExists)
        XCTAssertTrue(forced.text.contains("OPENBLAS_CORETYPE=Haswell is set; selfassemble keeps your choice"), forced.text)

        // A library built for one core type cannot be switched by the variable.
        let fixed = KernelAdvice(blas: kernel("Haswell", dynamic: false), cpuFlags: avx512)
        XCTAssertTrue(fixed.text.contains("install a build with DYNAMIC_ARCH"), fixed.text)

        // AVX-512 needs its whole Skylake-SP subset, not avx512f alone (Xeon Phi lacks bw and vl).
        XCTAssertEqual(KernelAdvice.VectorTier(cpuFlags: ["avx2", "fma", "avx512f", "avx512cd"]), .avx2)
        XCTAssertEqual(KernelAdvice.VectorTier(cpuFlags: ["sse3"]), .sse)
        XCTAssertEqual(KernelAdvice.VectorTier(cpuFlags: ["avx"]), .avx)
    }

    /// --threads N: the thread count reaches OpenBLAS, and the same count gives bit-identical runs
    /// at a width where OpenBLAS does split its products between threads.
    func testThreadsAreSetAndTheSameCountIsBitIdentical() throws {
        let before = BLAS.threads
        defer { BLAS.setThreads(before) }
        var c = SimulationConfiguration()
        c.sizes = [96, 256, 256, 10]
        c.batch = 64
        c.developmentSteps = 8
        c.descendingSteps = 8
        c.epochs = 1
        c.snapshotEvery = 5
        c.threads = 2
        var task = GaussianClusters(features: 96, classes: 10)
        task.trainSamples = 640
        task.testSamples = 64
        let data = task.generate(seed: 5)
        func run() throws -> (Circuit, [[LevelMotifMetrics]]) {
            BLAS.setThreads(c.threads)
            XCTAssertEqual(BLAS.threads, 2)
            var snapshots = [[LevelMotifMetrics]]()
            var simulation = try Simulation(configuration: c, data: data)
            let summary = try simulation.run { if case .snapshot(let s) = $0 { snapshots.append(s.motif) } }
            return (summary.finalCircuit, snapshots)
        }
        let (a, metricsA) = try run()
        let (b, metricsB) = try run()
        XCTAssertEqual(a, b, "two threads, twice: bit-identical weights")
        XCTAssertEqual(metricsA, metricsB)
        BLAS.setThreads(1)
        XCTAssertEqual(BLAS.threads, 1)
    }
}

/// The hot path's own helpers: a fast scan must still see every entry, a tiled transpose must
/// still move every entry.
final class HotPathHelperTests: XCTestCase {
    func testFinitenessSeesEveryEntryAtEveryPosition() {
        for count in [1, 15, 16, 17, 33, 100] {
            let finite = Matrix(rows: 1, cols: count, values: (0..<count).map { Float($0) - 50 })
            XCTAssertTrue(finite.isFinite)
            for bad in [Float.infinity, -.infinity, .nan, -.nan, .signalingNaN] {
                for i in Set([0, count / 2, count - 1]) {
                    var m = finite
                    m.values[i] = bad
                    XCTAssertFalse(m.isFinite, "\(bad) at \(i) of \(count)")
                }
            }
        }
        XCTAssertTrue(Matrix(rows: 1, cols: 3, values: [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]).isFinite)
        XCTAssertTrue(Matrix(zeros: 0, 0).isFinite)
    }

    func testTransposeMovesEveryEntry() {
        var rng = Xoshiro256StarStar(seed: 4)
        for (rows, cols) in [(1, 1), (1, 70), (70, 1), (31, 33), (64, 96), (100, 37)] {
            let m = Matrix(normal: rows, cols, std: 1, using: &rng)
            let t = m.transposed
            XCTAssertEqual(t.rows, cols)
            XCTAssertEqual(t.cols, rows)
            for r in 0..<rows { for c in 0..<cols { XCTAssertEqual(t[c, r], m[r, c]) } }
            XCTAssertEqual(t.transposed, m)
        }
    }

    /// A step's matrices are allocated and freed every step; with the policy the heap keeps
    /// them instead of mapping and faulting in fresh pages each time (887 faults per MNIST step
    /// without it).
    func testFreedMatricesAreReusedWithoutPageFaults() {
        MemoryPolicy.reuseFreedMemory()
        func faults() -> Int {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return usage.ru_minflt
        }
        func step() {
            var m = Matrix(zeros: 1024, 2048)  // 8 MiB, written in full
            m.values[m.count - 1] = 1
            XCTAssertEqual(m.values[m.count - 1], 1)
        }
        step()
        let before = faults()
        for _ in 0..<20 { step() }
        XCTAssertLessThan(faults() - before, 500, "blocks mapped anew fault their pages in every time (2,048 faults here without the policy)")
    }

    func testTheGateInOnePassEqualsTheGateMatrix() {
        var rng = Xoshiro256StarStar(seed: 6)
        let z = Matrix(normal: 7, 9, std: 1, using: &rng), x = Matrix(normal: 7, 9, std: 1, using: &rng)
        for activation in Activation.allCases {
            var fused = x, separate = x
            activation.multiplyByGate(&fused, of: z)
            separate.multiplyElementwise(by: activation.gate(z))
            XCTAssertEqual(fused.values.map(\.bitPattern), separate.values.map(\.bitPattern), "\(activation)")
        }
    }
}
