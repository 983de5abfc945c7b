import Foundation

import COpenBLAS

/// Eigenvalues of a symmetric matrix, through LAPACK's divide-and-conquer solver
/// (dsyevd, in double precision). Used for the spectrum of H_l = Vbar_l Vbar_l^T.
public enum SymmetricEigen {
    /// All eigenvalues in ascending order. The input must be square and symmetric;
    /// only its upper triangle is read. A matrix with a non-finite entry (from a damaged file,
    /// say) has no spectrum: every value is NaN, so callers report it instead of crashing.
    public static func eigenvalues(_ a: Matrix) -> [Double] {
        precondition(a.rows == a.cols, "eigenvalues need a square matrix")
        var n = Int32(a.rows)
        if n == 0 { return [] }
        guard a.isFinite else { return [Double](repeating: .nan, count: a.rows) }
        // Row-major upper triangle == column-major lower triangle; symmetric either way.
        var work = a.values.map(Double.init)
        var w = [Double](repeating: 0, count: Int(n))
        var jobz = CChar(UInt8(ascii: "N")), uplo = CChar(UInt8(ascii: "L"))
        var lda = n, info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = 0.0
        var iworkQuery: Int32 = 0
        dsyevd_(&jobz, &uplo, &n, &work, &lda, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        lwork = Int32(workQuery)
        liwork = max(1, iworkQuery)
        var scratch = [Double](repeating: 0, count: Int(max(1, lwork)))
        var iscratch = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &n, &work, &lda, &w, &scratch, &lwork, &iscratch, &liwork, &info)
        return info == 0 ? w : [Double](repeating: .nan, count: Int(n))
    }
}

/// A summary of a spectrum: smallest and largest eigenvalue and the effective rank.
public struct Spectrum: Equatable, Sendable, Codable {
    public var smallest: Double
    public var largest: Double
    /// exp of the Shannon entropy of the normalised eigenvalues (Roy and Vetterli, 2007):
    /// n for a flat spectrum, 1 when a single eigenvalue carries everything.
    public var effectiveRank: Double

    public init(eigenvalues: [Double]) {
        let clipped = eigenvalues.map { max($0, 0) }
        smallest = eigenvalues.min() ?? 0
        largest = eigenvalues.max() ?? 0
        let total = clipped.reduce(0, +)
        if total <= 0 {
            effectiveRank = 0
        } else {
            var entropy = 0.0
            for v in clipped where v > 0 {
                let p = v / total
                entropy -= p * log(p)
            }
            effectiveRank = exp(entropy)
        }
    }
}
