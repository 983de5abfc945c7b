import SelfAssemble

/// The singular values of one projection at one snapshot, largest first, and the effective
/// rank of their squares (Figure 3 of the paper: the spectra of both pathways become
/// effectively low-rank with training).
///
/// Computed as the square roots of the eigenvalues of the smaller Gram matrix (A A^T or
/// A^T A), with the engine's symmetric eigensolver: min(rows, cols) values. The effective
/// rank is that of ``Spectrum`` (exp of the entropy of the normalised eigenvalues of the
/// Gram matrix, i.e. of the squared singular values), so for Vbar_l it equals the stored
/// metric H_effective_rank_l (H_l = Vbar_l Vbar_l^T).
public struct SingularSpectrum: Codable, Equatable, Sendable {
    public var projection: String
    public var snapshot: Int
    public var step: Int
    /// Singular values, descending.
    public var values: [Double]
    public var effectiveRank: Double

    public init(projection: String, snapshot: Int, step: Int, weights: Matrix) {
        self.projection = projection
        self.snapshot = snapshot
        self.step = step
        // Normalised first: the weights of a diverging run (up to ~1e19) overflow a Float Gram matrix.
        let (scaled, exponent) = weights.powerOfTwoNormalized()
        let gram = scaled.rows <= scaled.cols
            ? BLAS.product(scaled, scaled, transposeB: true)
            : BLAS.product(scaled, transposeA: true, scaled)
        let eigenvalues = SymmetricEigen.eigenvalues(gram).map { $0 * Double(sign: .plus, exponent: 2 * exponent, significand: 1) }
        values = eigenvalues.reversed().map { max($0, 0).squareRoot() }
        effectiveRank = Spectrum(eigenvalues: eigenvalues).effectiveRank
    }
}
