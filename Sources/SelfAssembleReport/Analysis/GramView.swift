import SelfAssemble

/// Figure 3 of the paper shows Vbar Vbar^T and W W^T before and after training: the cells of
/// a layer become correlated. This is that view of one projection onto U_l at one snapshot.
///
/// The matrix shown is the normalised Gram matrix, the cosine between two cells' synapse
/// vectors (rows of W_l: inputs from U_{l-1}; rows of Vbar_l: apical inputs from D_l):
/// C[a,b] = G[a,b] / sqrt(G[a,a] G[b,b]) with G = A A^T. Normalised, the diagonal is 1 and the
/// colour scale is [-1, 1] at every snapshot, so before and after compare directly.
public struct GramSummary: Codable, Equatable, Sendable {
    /// `W_2`, `Vbar_2`, ...
    public var projection: String
    public var snapshot: Int
    public var step: Int
    /// Cells (rows of the projection).
    public var cells: Int
    /// Mean |C[a,b]| over pairs of distinct cells: how correlated the cells are.
    public var meanAbsCosine: Double
    /// The largest entry of G (the raw Gram matrix): its scale.
    public var largestGramEntry: Double
}

/// The normalised Gram matrix of a projection for drawing: all its cells, or, above
/// `maxCells`, an evenly spaced subset of them (every `stride`-th cell). A subset rather than
/// block averages: averaging the cosines of many unrelated cells cancels them out and would
/// hide exactly the cell-to-cell structure the figure is for. Kept out of the JSON (it is
/// pixels, not a statistic; the summary's mean |cosine| is over all cells).
public struct GramHeatmap: Equatable, Sendable {
    public var projection: String
    public var level: Int
    public var snapshot: Int
    public var step: Int
    /// Cells of the full matrix.
    public var cells: Int
    /// Every `stride`-th cell is drawn (1: all of them).
    public var stride: Int
    /// Cells drawn per side.
    public var side: Int
    /// side x side cosines, row-major.
    public var values: [Float]
}

public enum GramView {
    /// The summary and the heatmap of `weights` (target cells x source cells).
    public static func make(projection: String, level: Int, snapshot: Int, step: Int, weights: Matrix,
                            maxCells: Int) -> (GramSummary, GramHeatmap) {
        let n = weights.rows
        // Normalised first (cosines do not change): a diverging run's weights overflow a Float Gram matrix.
        let (scaled, exponent) = weights.powerOfTwoNormalized()
        var gram = BLAS.product(scaled, scaled, transposeB: true)
        let largest = (gram.values.map { Double(abs($0)) }.max() ?? 0) * Double(sign: .plus, exponent: 2 * exponent, significand: 1)
        let norms = (0..<n).map { Double(gram[$0, $0]).squareRoot() }
        var sumAbs = 0.0
        for a in 0..<n {
            for b in 0..<n {
                let denominator = norms[a] * norms[b]
                let c = denominator > 0 ? Double(gram[a, b]) / denominator : 0
                gram[a, b] = Float(c)
                if a != b { sumAbs += abs(c) }
            }
        }
        let summary = GramSummary(projection: projection, snapshot: snapshot, step: step, cells: n,
                                  meanAbsCosine: n > 1 ? sumAbs / Double(n * (n - 1)) : 0,
                                  largestGramEntry: largest)
        let stride = max(1, (n + maxCells - 1) / maxCells)
        let shown = Swift.stride(from: 0, to: n, by: stride).map { $0 }
        var values = [Float]()
        values.reserveCapacity(shown.count * shown.count)
        for a in shown {
            for b in shown { values.append(gram[a, b]) }
        }
        let heatmap = GramHeatmap(projection: projection, level: level, snapshot: snapshot, step: step, cells: n,
                                  stride: stride, side: shown.count, values: values)
        return (summary, heatmap)
    }
}
