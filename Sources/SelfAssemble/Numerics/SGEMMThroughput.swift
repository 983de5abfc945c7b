/// Measured sgemm throughput of the loaded BLAS on one product shape: the ceiling a computation
/// made of such products can reach with this library, kernel and thread count.
public enum SGEMMThroughput {
    /// One timed product shape: `C = op(A) op(B)` with op(A) m x k and op(B) k x n.
    public struct Shape: Hashable, Sendable, CustomStringConvertible {
        public var m: Int, n: Int, k: Int
        public var transposeA: Bool, transposeB: Bool

        public init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false) {
            self.m = m; self.n = n; self.k = k
            self.transposeA = transposeA; self.transposeB = transposeB
        }

        /// 2 m n k: one multiplication and one addition per term.
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

        public var description: String { "\(transposeA ? "T" : "N")\(transposeB ? "T" : "N") \(m)x\(n)x\(k)" }
    }

    /// Seconds per product of `shape` with the current thread count: the median of
    /// `repetitions` samples, each timing enough back-to-back products to last at least
    /// `sampleSeconds` (short products are too quick for one clock reading), after one
    /// warm-up sample. Inputs are seeded normal deviates; beta = 0.
    public static func secondsPerProduct(_ shape: Shape, repetitions: Int = 5, sampleSeconds: Double = 0.02) -> Double {
        var rng = Xoshiro256StarStar(seed: 1)
        let a = shape.transposeA ? Matrix(normal: shape.k, shape.m, std: 1, using: &rng) : Matrix(normal: shape.m, shape.k, std: 1, using: &rng)
        let b = shape.transposeB ? Matrix(normal: shape.n, shape.k, std: 1, using: &rng) : Matrix(normal: shape.k, shape.n, std: 1, using: &rng)
        var c = Matrix(zeros: shape.m, shape.n)
        let clock = ContinuousClock()
        func sample(_ count: Int) -> Double {
            let elapsed = clock.measure {
                for _ in 0..<count { BLAS.gemm(a, transposeA: shape.transposeA, b, transposeB: shape.transposeB, into: &c) }
            }
            return elapsed.seconds / Double(count)
        }
        let once = sample(1)
        let count = max(1, Int((sampleSeconds / max(once, 1e-9)).rounded(.up)))
        _ = sample(count)
        let samples = (0..<max(1, repetitions)).map { _ in sample(count) }
        return samples.sorted()[samples.count / 2]
    }

    /// GFLOP/s of `shape` (see ``secondsPerProduct(_:repetitions:sampleSeconds:)``).
    public static func gigaflops(_ shape: Shape, repetitions: Int = 5) -> Double {
        shape.flops / secondsPerProduct(shape, repetitions: repetitions) / 1e9
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
