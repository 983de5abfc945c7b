import Foundation
import SelfAssemble

/// A count compared with its null distribution, as connectomics papers report motif
/// over-representation: z = (count - null mean) / null standard deviation.
public struct CountStatistic: Codable, Equatable, Sendable {
    public var observed: Int
    public var nullMean: Double
    /// Sample standard deviation of the null samples (divisor N - 1).
    public var nullStd: Double
    /// nil when the null has no spread (every sample equal): no z-score can be given.
    public var z: Double?
    /// One-sided empirical p-value of over-representation: (1 + samples >= observed) / (1 + N).
    /// Its floor is 1 / (N + 1), whatever the z-score.
    public var pValue: Double
    /// The largest null sample.
    public var nullMax: Int
    public var samples: Int

    public init(observed: Int, null: [Int]) {
        precondition(null.count >= 2, "a null distribution needs at least 2 samples")
        self.observed = observed
        samples = null.count
        let values = null.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        nullMean = mean
        nullStd = variance.squareRoot()
        z = nullStd > 0 ? (Double(observed) - mean) / nullStd : nil
        pValue = Double(1 + null.filter { $0 >= observed }.count) / Double(1 + null.count)
        nullMax = null.max()!
    }

    /// Over-represented: z at least `zThreshold` and above every null sample.
    public func isOverRepresented(zThreshold: Double) -> Bool {
        (z ?? (Double(observed) > nullMean ? .infinity : -.infinity)) >= zThreshold && observed > nullMax
    }
}

/// The null model: every projection's cells are relabelled independently.
///
/// For each projection, its target cells and its source cells are shuffled by two
/// independent uniform permutations (rows and columns of the signed mask). A projection
/// keeps everything of its own (its number of strong synapses, their signs, the
/// distribution of in- and out-degrees over its cells), but which cell of U_l is which in
/// W_l is no longer related to which cell is which in V_l, Vbar_l or Wbar_l: the alignment
/// between projections, which is what self-assembly builds, is destroyed. (Edge swaps
/// would keep each cell's own degrees; relabelling keeps their distribution. Relabelling
/// is used because it is exact, needs no mixing time, and is cheap: a permutation per
/// axis.)
///
/// The generator is the engine's seeded Xoshiro256**, one stream per level, started afresh at
/// every snapshot: a report is deterministic, a level's null does not depend on which other
/// levels were analysed, and the snapshots of a level share their random relabellings (common
/// random numbers), so two snapshots with the same masks get the same statistics and a change
/// between snapshots is not blurred by the null's own sampling noise.
public enum RelabellingNull {
    /// The generator of one level (the same at every snapshot).
    public static func generator(seed: UInt64, level: Int) -> Xoshiro256StarStar {
        // "report" in ASCII, then the level: a stream no engine purpose uses.
        let stream = (0x7265_706F_7274 << 8) &+ UInt64(level)
        return Xoshiro256StarStar(seed: seed, stream: stream)
    }

    /// `matrix` with its rows and columns relabelled: out[a, b] = in[rowPerm[a], colPerm[b]].
    public static func relabel(_ matrix: Matrix, using rng: inout Xoshiro256StarStar) -> Matrix {
        let rowPermutation = rng.permutation(matrix.rows)
        let colPermutation = rng.permutation(matrix.cols)
        var out = Matrix(zeros: matrix.rows, matrix.cols)
        let cols = matrix.cols
        matrix.values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for a in 0..<matrix.rows {
                    let from = rowPermutation[a] * cols, to = a * cols
                    for b in 0..<cols { dst[to + b] = src[from + colPermutation[b]] }
                }
            }
        }
        return out
    }

    /// One null sample of a level: each of its projections relabelled independently.
    public static func sample(_ masks: LevelMasks, using rng: inout Xoshiro256StarStar) -> LevelMasks {
        LevelMasks(W: masks.W.map { relabel($0, using: &rng) },
                   V: relabel(masks.V, using: &rng),
                   Vbar: relabel(masks.Vbar, using: &rng),
                   Wbar: masks.Wbar.map { relabel($0, using: &rng) })
    }

    /// The counts of `samples` null samples (the signed four-synapse count only, not the unsigned one).
    public static func counts(_ masks: LevelMasks, samples: Int, using rng: inout Xoshiro256StarStar) -> [MotifCounts] {
        (0..<samples).map { _ in MotifCounting.count(sample(masks, using: &rng), unsigned: false) }
    }

    /// Motifs (of any sign) a null sample holds on average: the null's reciprocal pairs times
    /// the chance that a pair (j, k) is closed through a cell i, k_W k_Wbar / (n_l m_l n_{l-1})
    /// summed over i (with k_W, k_Wbar the kept synapses of W_l and Wbar_l). Exact in
    /// expectation under relabelling, and says when counts are too small for a z-score to
    /// mean much.
    public static func expectedFourSynapseMotifs(nullReciprocalPairs: Double, masks: LevelMasks) -> Double? {
        guard let W = masks.W, let Wbar = masks.Wbar else { return nil }
        func edges(_ m: Matrix) -> Double { Double(m.values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }) }
        let n = Double(W.rows), previous = Double(W.cols), m = Double(Wbar.cols)
        return nullReciprocalPairs * edges(W) * edges(Wbar) / (n * m * previous)
    }
}
