/// Cosine similarity of two matrices as vectors, `<A, B>_F / (|A|_F |B|_F)`: the measure of
/// every motif metric. Zero when either matrix is zero (no alignment can be claimed).
public func cosineSimilarity(_ a: Matrix, _ b: Matrix) -> Double {
    let na = BLAS.frobeniusNorm(a), nb = BLAS.frobeniusNorm(b)
    if na == 0 || nb == 0 { return 0 }
    return BLAS.frobeniusDot(a, b) / (na * nb)
}
