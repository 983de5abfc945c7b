import SelfAssemble
import XCTest

final class NumericsTests: XCTestCase {
    func testGemmMatchesNaiveProductForEveryTransposeCombination() {
        var rng = Xoshiro256StarStar(seed: 9)
        let a = Matrix(normal: 5, 3, std: 1, using: &rng), b = Matrix(normal: 3, 4, std: 1, using: &rng)
        var naive = Matrix(zeros: 5, 4)
        for i in 0..<5 { for j in 0..<4 { for k in 0..<3 { naive[i, j] += a[i, k] * b[k, j] } } }
        let cases = [
            BLAS.product(a, b),
            BLAS.product(a.transposed, transposeA: true, b),
            BLAS.product(a, b.transposed, transposeB: true),
            BLAS.product(a.transposed, transposeA: true, b.transposed, transposeB: true),
        ]
        for c in cases { XCTAssertLessThan(TestSupportNumerics.maxDifference(c, naive), 1e-5) }
    }

    func testEigenvaluesAndEffectiveRank() {
        // A symmetric matrix with known eigenvalues 1, 3 (rotated diag).
        let m = Matrix(rows: 2, cols: 2, values: [2, 1, 1, 2])
        let w = SymmetricEigen.eigenvalues(m)
        XCTAssertEqual(w[0], 1, accuracy: 1e-9)
        XCTAssertEqual(w[1], 3, accuracy: 1e-9)
        XCTAssertEqual(Spectrum(eigenvalues: [1, 1, 1, 1]).effectiveRank, 4, accuracy: 1e-12)
        XCTAssertEqual(Spectrum(eigenvalues: [5, 0, 0]).effectiveRank, 1, accuracy: 1e-12)
        let s = Spectrum(eigenvalues: w)
        XCTAssertEqual(s.smallest, 1, accuracy: 1e-9)
        XCTAssertEqual(s.largest, 3, accuracy: 1e-9)
    }

    func testNormalisingByAPowerOfTwoIsExactAndAvoidsOverflow() {
        let huge = Matrix(rows: 2, cols: 2, values: [3e19, -1e19, 2e19, 5e18])
        let (m, exponent) = huge.powerOfTwoNormalized()
        XCTAssertLessThan(m.values.map(abs).max()!, 1)
        let back = m.values.map { $0 * Float(sign: .plus, exponent: exponent, significand: 1) }
        XCTAssertEqual(back, huge.values, "exact")
        XCTAssertFalse(BLAS.product(huge, huge, transposeB: true).isFinite, "the raw Gram matrix overflows")
        XCTAssertTrue(BLAS.product(m, m, transposeB: true).isFinite)
        XCTAssertTrue(SymmetricEigen.eigenvalues(BLAS.product(huge, huge, transposeB: true)).allSatisfy(\.isNaN),
                      "no spectrum of a non-finite matrix, and no crash")
    }

    func testCosineSimilarity() {
        let a = Matrix(rows: 1, cols: 2, values: [1, 0]), b = Matrix(rows: 1, cols: 2, values: [1, 1])
        XCTAssertEqual(cosineSimilarity(a, b), 1 / 2.0.squareRoot(), accuracy: 1e-7)
        XCTAssertEqual(cosineSimilarity(a, Matrix(zeros: 1, 2)), 0)
    }
}

enum TestSupportNumerics {
    static func maxDifference(_ a: Matrix, _ b: Matrix) -> Float {
        zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
    }
}
