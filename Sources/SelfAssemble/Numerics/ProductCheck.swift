/// Checks the BLAS operations the engine relies on against a plain reference computed in double
/// precision, on seeded random matrices at every shape class the engine uses, so that a wrong
/// kernel (a miscompiled or mis-detected OpenBLAS core) is caught rather than trusted. The unit
/// tests run it, and `selfassemble doctor` runs it on the user's own machine and library.
///
/// The tolerance is the classical bound for a sum of k products in floating point (Higham,
/// "Accuracy and Stability of Numerical Algorithms", 2nd ed., section 3.1), valid in every
/// summation order, with or without fused multiply-add:
///
///     |C - C_ref| <= (k + 3) u (|alpha| |op(A)| |op(B)| + |beta| |C_0|),   u = 2^-24
///
/// entry by entry. A kernel that drops, repeats or misplaces a single term, or rounds through
/// a narrower type, exceeds it.
public enum ProductCheck {
    /// One product `C = alpha op(A) op(B) + beta C_0` with op(A) m x k and op(B) k x n.
    public struct Case: Equatable, Sendable, CustomStringConvertible {
        public var m: Int, n: Int, k: Int
        public var transposeA: Bool, transposeB: Bool
        public var alpha: Float = 1, beta: Float = 0
        /// Where the engine computes a product of this form.
        public var use: String

        public init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float = 1, beta: Float = 0, use: String) {
            self.m = m; self.n = n; self.k = k
            self.transposeA = transposeA; self.transposeB = transposeB
            self.alpha = alpha; self.beta = beta
            self.use = use
        }

        public var description: String {
            "\(transposeA ? "T" : "N")\(transposeB ? "T" : "N") \(m)x\(n)x\(k) alpha \(alpha) beta \(beta) (\(use))"
        }
    }

    /// A product or vector operation whose result is outside the bound.
    public struct Failure: Equatable, Sendable, CustomStringConvertible {
        public var operation: String
        /// The largest error relative to its entry's bound (> 1 fails), and where.
        public var worstRatio: Double
        public var row: Int, col: Int
        public var description: String {
            worstRatio.isNaN
                ? "\(operation): not finite at entry (\(row), \(col))"
                : "\(operation): error \(worstRatio) times the rounding bound at entry (\(row), \(col))"
        }
    }

    /// `C = alpha op(A) op(B) + beta C` into C, as ``BLAS/gemm(_:transposeA:_:transposeB:alpha:beta:into:)``.
    public typealias GEMM = @Sendable (Matrix, Bool, Matrix, Bool, Float, Float, inout Matrix) -> Void

    /// The engine's own product.
    public static let engineGEMM: GEMM = { a, ta, b, tb, alpha, beta, c in
        BLAS.gemm(a, transposeA: ta, b, transposeB: tb, alpha: alpha, beta: beta, into: &c)
    }

    /// Every product form of the engine (B: batch, n: upstream widths, m: downstream widths),
    /// at tiny, odd, batch-shaped and large sizes (odd sizes exercise the kernels' edge code;
    /// sizes above a few hundred cross OpenBLAS's blocking).
    public static let engineCases: [Case] = {
        var cases = [Case]()
        func add(_ m: Int, _ n: Int, _ k: Int, _ ta: Bool, _ tb: Bool, alpha: Float = 1, beta: Float = 0, _ use: String) {
            cases.append(Case(m: m, n: n, k: k, transposeA: ta, transposeB: tb, alpha: alpha, beta: beta, use: use))
        }
        // Ascending and descending passes, development: rows of a batch times a weight
        // matrix transposed (z = h W^T, g = d V^T, a = g Vbar^T, d_{l-1} = g Wbar^T).
        for (m, n, k) in [(1, 1, 1), (1, 10, 784), (7, 13, 29), (32, 128, 64), (32, 256, 784), (32, 10, 256),
                          (256, 20, 10), (33, 65, 17), (256, 512, 256), (61, 300, 257)] {
            add(m, n, k, false, true, "batch x weights^T: ascending, descending, development")
        }
        // dtp-skip's skip connections added to z (z += h_{l-2} S^T) and their path in bp's error
        // (delta_{l-1} += delta_{l+1} S).
        for (m, n, k, tb) in [(7, 13, 29, true), (32, 256, 784, true), (32, 10, 128, true), (32, 784, 256, false)] {
            add(m, n, k, false, tb, alpha: 1, beta: 1, "accumulated into a product: skip connections")
        }
        // Updates, summed over the batch: dW = -a^T h, dWbar = -h^T g, dV = g^T d (alpha -1 or 1).
        for (m, n, k) in [(1, 1, 1), (10, 256, 32), (128, 64, 32), (256, 784, 32), (13, 7, 29), (512, 256, 256), (300, 61, 257)] {
            add(m, n, k, true, false, alpha: -1, "batch^T x batch: plasticity")
        }
        // Backpropagation (delta W), metrics (Wbar V, H times a gradient).
        for (m, n, k) in [(1, 1, 1), (32, 784, 256), (128, 128, 256), (17, 33, 65), (257, 300, 260)] {
            add(m, n, k, false, false, "plain product: backpropagation, metrics")
        }
        // Gram matrices H = Vbar Vbar^T.
        for (n, k) in [(10, 20), (128, 256), (129, 255)] {
            add(n, n, k, false, true, "Gram matrix: H = Vbar Vbar^T")
        }
        // A product folded into an update with decay: W <- (1 - lambda) W - eta a^T h.
        for (m, n, k, ta, tb) in [(10, 256, 32, true, false), (128, 64, 32, true, false), (65, 33, 17, false, true),
                                  (31, 29, 23, true, true), (300, 257, 61, true, false)] {
            add(m, n, k, ta, tb, alpha: -0.1, beta: 0.999, "update with decay in one product")
        }
        // No inner dimension: only the scaling by beta.
        add(5, 4, 0, false, false, alpha: 1, beta: 0.5, "empty inner dimension")
        return cases
    }()

    /// Runs every case through `gemm` and the reference; returns the cases outside the bound
    /// (empty: all correct). Inputs are normal deviates from a fixed seed.
    public static func run(_ cases: [Case] = engineCases, gemm: GEMM = engineGEMM, seed: UInt64 = 2_024) -> [Failure] {
        var rng = Xoshiro256StarStar(seed: seed)
        var failures = [Failure]()
        for c in cases {
            let a = c.transposeA ? Matrix(normal: c.k, c.m, std: 1, using: &rng) : Matrix(normal: c.m, c.k, std: 1, using: &rng)
            let b = c.transposeB ? Matrix(normal: c.n, c.k, std: 1, using: &rng) : Matrix(normal: c.k, c.n, std: 1, using: &rng)
            let c0 = Matrix(normal: c.m, c.n, std: 1, using: &rng)
            // With beta = 0 the output's entries must be ignored, not multiplied by 0: NaN there
            // would survive a multiplication (the engine's products rely on this).
            var result = c.beta == 0 && c.k > 0 ? Matrix(rows: c.m, cols: c.n, values: .init(repeating: .nan, count: c.m * c.n)) : c0
            gemm(a, c.transposeA, b, c.transposeB, c.alpha, c.beta, &result)
            if let failure = compare(result, c, a: a, b: b, c0: c0) { failures.append(failure) }
        }
        return failures + checkVectorOperations(using: &rng)
    }

    /// The reference product in double precision and the bound of each entry, compared with `result`.
    static func compare(_ result: Matrix, _ c: Case, a: Matrix, b: Matrix, c0: Matrix) -> Failure? {
        let u = 0x1p-24
        var worst = Failure(operation: "sgemm \(c)", worstRatio: 0, row: 0, col: 0)
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                for i in 0..<c.m {
                    for j in 0..<c.n {
                        var sum = 0.0, magnitude = 0.0
                        for p in 0..<c.k {
                            let x = Double(c.transposeA ? pa[p * c.m + i] : pa[i * c.k + p])
                            let y = Double(c.transposeB ? pb[j * c.k + p] : pb[p * c.n + j])
                            sum += x * y
                            magnitude += abs(x * y)
                        }
                        let start = Double(c0[i, j])
                        let reference = Double(c.alpha) * sum + Double(c.beta) * start
                        let bound = Double(c.k + 3) * u * (abs(Double(c.alpha)) * magnitude + abs(Double(c.beta) * start))
                        let error = abs(Double(result[i, j]) - reference)
                        let ratio = error == 0 ? 0 : (bound > 0 ? error / bound : .infinity)
                        if !result[i, j].isFinite || ratio.isNaN {
                            if !worst.worstRatio.isNaN { worst = Failure(operation: worst.operation, worstRatio: .nan, row: i, col: j) }
                        } else if ratio > worst.worstRatio {
                            worst = Failure(operation: worst.operation, worstRatio: ratio, row: i, col: j)
                        }
                    }
                }
            }
        }
        return worst.worstRatio.isNaN || worst.worstRatio > 1 ? worst : nil
    }

    /// axpy, scale and the double-precision dot product (synaptic scaling, weight decay, cosines).
    static func checkVectorOperations(using rng: inout Xoshiro256StarStar) -> [Failure] {
        var failures = [Failure]()
        let u = 0x1p-24
        func check(_ name: String, _ got: [Double], _ want: [Double], _ bound: [Double]) {
            for i in got.indices {
                let error = abs(got[i] - want[i])
                if !got[i].isFinite || error > bound[i] {
                    failures.append(Failure(operation: name, worstRatio: got[i].isFinite ? error / bound[i] : .nan, row: i, col: 0))
                    return
                }
            }
        }
        for count in [1, 7, 1_000, 65_537] {
            let x = Matrix(normal: 1, count, std: 1, using: &rng), y0 = Matrix(normal: 1, count, std: 1, using: &rng)
            var y = y0
            BLAS.axpy(-0.37, x, &y)
            let axpyWant = zip(x.values, y0.values).map { -0.37 * Double($0) + Double($1) }
            check("saxpy n=\(count)", y.values.map(Double.init), axpyWant,
                  zip(x.values, y0.values).map { 3 * u * (0.37 * abs(Double($0)) + abs(Double($1))) })
            var s = x
            BLAS.scale(0.999, &s)
            check("sscal n=\(count)", s.values.map(Double.init), x.values.map { Double(Float(0.999)) * Double($0) },
                  x.values.map { u * abs(Double($0)) })
            var dot = 0.0, magnitude = 0.0
            for (p, q) in zip(x.values, y0.values) { dot += Double(p) * Double(q); magnitude += abs(Double(p) * Double(q)) }
            // OpenBLAS's x86_64 dsdot sums blocks of 32 products in single precision and the
            // blocks in double (OpenBLAS issue 1326, pull request 1329); others sum all in double.
            check("dsdot n=\(count)", [BLAS.frobeniusDot(x, y0)], [dot],
                  [(Double(Swift.min(count, 32) + 3) * u + Double(count + 3) * 0x1p-53) * magnitude + 1e-300])
            // isamax (the divergence check's bound): exact, no rounding.
            let largest = x.values.map(abs).max()!
            check("isamax n=\(count)", [Double(BLAS.largestMagnitude(x))], [Double(largest)], [0])
        }
        return failures
    }
}
