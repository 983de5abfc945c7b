import SelfAssemble
import XCTest

/// Small circuits and reference computations shared by the engine tests.
enum TestSupport {
    static func circuit(sizes: [Int], ratio: Double = 2, seed: UInt64 = 1) -> Circuit {
        Circuit(randomFor: try! Architecture(sizes: sizes, ratios: [ratio]), seed: seed)
    }

    static func batch(rows: Int, features: Int, classes: Int, seed: UInt64) -> (Matrix, [Int]) {
        var rng = Xoshiro256StarStar(seed: seed, stream: 99)
        let x = Matrix(normal: rows, features, std: 1, using: &rng)
        let y = (0..<rows).map { _ in rng.nextInt(below: classes) }
        return (x, y)
    }

    /// The Moore-Penrose pseudo-inverse of a full-column-rank matrix, (A^T A)^{-1} A^T,
    /// solved in double precision by Gauss-Jordan elimination with partial pivoting.
    static func pseudoInverse(_ a: Matrix) -> Matrix {
        let m = a.rows, n = a.cols
        var gram = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n { for j in 0..<n { for k in 0..<m { gram[i][j] += Double(a[k, i]) * Double(a[k, j]) } } }
        var rhs = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
        for i in 0..<n { for k in 0..<m { rhs[i][k] = Double(a[k, i]) } }
        for col in 0..<n {
            let pivot = (col..<n).max { abs(gram[$0][col]) < abs(gram[$1][col]) }!
            gram.swapAt(col, pivot)
            rhs.swapAt(col, pivot)
            let p = gram[col][col]
            for j in 0..<n { gram[col][j] /= p }
            for k in 0..<m { rhs[col][k] /= p }
            for r in 0..<n where r != col {
                let f = gram[r][col]
                if f == 0 { continue }
                for j in 0..<n { gram[r][j] -= f * gram[col][j] }
                for k in 0..<m { rhs[r][k] -= f * rhs[col][k] }
            }
        }
        return Matrix(rows: n, cols: m, values: rhs.flatMap { $0.map(Float.init) })
    }

    /// |a - b|_F / |b|_F.
    static func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
        var diff = a
        BLAS.axpy(-1, b, &diff)
        return BLAS.frobeniusNorm(diff) / BLAS.frobeniusNorm(b)
    }

    /// The mean loss of a batch, for finite differences.
    static func loss(_ circuit: Circuit, _ x: Matrix, _ y: [Int], _ activation: Activation = .relu) -> Double {
        ErrorSignal(logits: AscendingActivity(circuit: circuit, input: x, activation: activation).logits,
                    labels: y, loss: .crossEntropy).loss
    }
}
