import SelfAssemble

/// The signed masks of one level's four projections (Wbar and W are nil at level 1, where
/// the motif has no descending side; W_1 is kept out so that level 1 counts only pairs).
public struct LevelMasks: Sendable {
    /// W_l, U_{l-1} -> U_l: n_l x n_{l-1}.
    public var W: Matrix?
    /// V_l, U_l -> D_l: m_l x n_l.
    public var V: Matrix
    /// Vbar_l, D_l -> U_l: n_l x m_l.
    public var Vbar: Matrix
    /// Wbar_l, D_l -> U_{l-1}: n_{l-1} x m_l.
    public var Wbar: Matrix?

    public init(W: Matrix?, V: Matrix, Vbar: Matrix, Wbar: Matrix?) {
        self.W = W
        self.V = V
        self.Vbar = Vbar
        self.Wbar = Wbar
    }

    /// True when the level has the whole motif (a Wbar, so l >= 2).
    public var hasFourSynapseMotif: Bool { W != nil && Wbar != nil }
}

/// Motif counts of one level's graph of strong synapses.
public struct MotifCounts: Equatable, Sendable {
    /// Pairs (j in U_l, k in D_l) with j->k (V) and k->j (Vbar), both kept, of the same sign.
    public var reciprocalPairs: Int
    /// Sum over four-synapse motifs (i->j W, j->k V, k->j Vbar, k->i Wbar, V and Vbar agreeing)
    /// of the sign of the cycle W, V, Wbar: +1 when the product of the three signs is positive.
    public var signedFourSynapse: Int?
    /// The number of such motifs whatever the sign of their cycle.
    public var fourSynapse: Int?

    /// Motifs with a positive cycle: (all + signed) / 2.
    public var positiveFourSynapse: Int? {
        guard let all = fourSynapse, let signed = signedFourSynapse else { return nil }
        return (all + signed) / 2
    }
}

/// Counts motifs with matrix products instead of enumerating cells.
///
/// Let A[j,k] = sign(V[k,j]) where (j,k) is a reciprocal pair, 0 elsewhere (an n_l x m_l
/// matrix). Then the number of reciprocal pairs is the number of non-zero entries of A, and
///
///     signed four-synapse count = sum_{j,k} A[j,k] * (Ws Wbs)[j,k]
///
/// with Ws, Wbs the signed masks of W_l and Wbar_l, because (Ws Wbs)[j,k] =
/// sum_i sign(W[j,i]) sign(Wbar[i,k]) over the cells i that close the loop. One matrix
/// product (BLAS) per count: 1,000-wide levels and tens of null samples stay fast. The
/// entries are small integers, exact in single precision (|entry| <= n_{l-1} < 2^24), and the
/// final sums accumulate in double precision.
public enum MotifCounting {
    /// Counts at one level. `unsigned`: also count the motifs regardless of sign (one more
    /// product; the null model skips it).
    public static func count(_ masks: LevelMasks, unsigned: Bool = true) -> MotifCounts {
        let n = masks.Vbar.rows, m = masks.Vbar.cols
        precondition(masks.V.rows == m && masks.V.cols == n, "V must be m x n when Vbar is n x m")
        var pairSigns = Matrix(zeros: n, m)
        var pairs = 0
        masks.V.values.withUnsafeBufferPointer { v in
            masks.Vbar.values.withUnsafeBufferPointer { vbar in
                pairSigns.values.withUnsafeMutableBufferPointer { a in
                    for j in 0..<n {
                        for k in 0..<m {
                            let forward = v[k * n + j]
                            if forward != 0 && forward == vbar[j * m + k] {
                                a[j * m + k] = forward
                                pairs += 1
                            }
                        }
                    }
                }
            }
        }
        guard let W = masks.W, let Wbar = masks.Wbar else {
            return MotifCounts(reciprocalPairs: pairs, signedFourSynapse: nil, fourSynapse: nil)
        }
        let loops = BLAS.product(W, Wbar)
        let signed = Int(BLAS.frobeniusDot(pairSigns, loops).rounded())
        var all: Int? = nil
        if unsigned {
            var absA = pairSigns, absW = W, absWbar = Wbar
            absA.apply(abs)
            absW.apply(abs)
            absWbar.apply(abs)
            all = Int(BLAS.frobeniusDot(absA, BLAS.product(absW, absWbar)).rounded())
        }
        return MotifCounts(reciprocalPairs: pairs, signedFourSynapse: signed, fourSynapse: all)
    }
}
