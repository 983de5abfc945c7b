/// One shape the benchmark measures: upstream widths, batch, downstream ratio, test-set size.
struct BenchCase: Codable, Equatable {
    var name: String
    var sizes: [Int]
    var batch: Int
    var ratio: Double = 2
    /// Samples of the test set (its accuracy is part of every snapshot's cost).
    var testSamples: Int = 500

    /// The arguments that measure this case in a process of its own (`--case`).
    var arguments: [String] {
        ["--name", name, "--sizes", sizes.map(String.init).joined(separator: ","), "--batch", "\(batch)",
         "--ratio", "\(ratio)", "--test-samples", "\(testSamples)"]
    }

    /// Sum of the sizes of every weight matrix (W, V, Vbar, Wbar): what the cost should be linear in.
    var weightCount: Int {
        var total = 0
        for l in 1..<sizes.count {
            let n = sizes[l], p = sizes[l - 1], m = Int((ratio * Double(n)).rounded())
            total += n * p + 2 * m * n + (l >= 2 ? p * m : 0)
        }
        return total
    }

    /// The three shapes of the NumPy comparison: digits, MNIST, and a wide synthetic circuit.
    static let reference: [BenchCase] = [
        BenchCase(name: "digits", sizes: [64, 128, 128, 10], batch: 32, testSamples: 360),
        BenchCase(name: "MNIST", sizes: [784, 256, 256, 10], batch: 32, testSamples: 10_000),
        BenchCase(name: "wide", sizes: [1024, 1024, 1024, 10], batch: 256, testSamples: 500),
    ]

    /// Width w, `depth` hidden levels of w cells, w inputs, 10 classes.
    static func grid(width: Int, depth: Int, batch: Int) -> BenchCase {
        BenchCase(name: "w\(width) x\(depth) B\(batch)", sizes: [width] + Array(repeating: width, count: depth) + [10], batch: batch)
    }

    /// The whole grid of the issue: widths 128, 256, 1024, 2048; 2, 4, 8 hidden levels; batch 32 and 256.
    static let fullGrid: [BenchCase] = [128, 256, 1024, 2048].flatMap { w in
        [2, 4, 8].flatMap { d in [32, 256].map { b in grid(width: w, depth: d, batch: b) } }
    }

    /// The default run (a few minutes on 2 cores): the reference shapes and enough of the grid
    /// to fit the cost's exponents in batch and in weight count.
    static let quickGrid: [BenchCase] = [
        grid(width: 128, depth: 2, batch: 32), grid(width: 128, depth: 2, batch: 256),
        grid(width: 256, depth: 2, batch: 32), grid(width: 256, depth: 2, batch: 256),
        grid(width: 256, depth: 8, batch: 32), grid(width: 1024, depth: 2, batch: 32),
    ]
}
