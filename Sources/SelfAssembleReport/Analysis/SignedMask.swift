import SelfAssemble

/// The strongest synapses of one projection, with their signs: an anatomist's view of a
/// dense weight matrix. Entries are +1 (a strong excitatory synapse), -1 (a strong
/// inhibitory one) or 0 (no synapse kept), laid out like the projection (target x source),
/// so that motif counts become products of these matrices.
///
/// Exactly k = max(1, round(q/100 * entries)) entries are kept: every entry whose magnitude
/// is above the k-th largest magnitude, then entries equal to it in row-major order until k
/// are kept. The order is fixed so that the same file always gives the same graph (and an
/// independent reimplementation can reproduce it: numpy's `lexsort((index, -abs))[:k]`).
/// A kept entry that is exactly 0 has sign 0 and so forms no edge.
public struct SignedMask: Equatable, Sendable {
    /// -1, 0, +1 per synapse, target x source.
    public let signs: Matrix
    /// Entries kept (k).
    public let kept: Int
    /// The smallest kept magnitude (the cut).
    public let threshold: Float
    /// The largest magnitude of the projection, to spot a runaway circuit.
    public let largestMagnitude: Float

    /// k for a matrix of `entries` entries and a share of `percent` percent.
    public static func keptCount(entries: Int, percent: Double) -> Int {
        guard entries > 0 else { return 0 }
        return min(entries, max(1, Int((percent / 100 * Double(entries)).rounded())))
    }

    public init(strongestOf weights: Matrix, percent: Double) {
        let n = weights.count
        let k = Self.keptCount(entries: n, percent: percent)
        var signs = Matrix(zeros: weights.rows, weights.cols)
        guard k > 0 else {
            self.signs = signs
            kept = 0
            threshold = 0
            largestMagnitude = 0
            return
        }
        var magnitudes = weights.values.map { abs($0) }
        magnitudes.sort(by: >)
        let cut = magnitudes[k - 1]
        let above = magnitudes.prefix(k).reduce(0) { $0 + ($1 > cut ? 1 : 0) }
        var tiesLeft = k - above
        weights.values.withUnsafeBufferPointer { w in
            signs.values.withUnsafeMutableBufferPointer { s in
                for i in 0..<n {
                    let m = abs(w[i])
                    var keep = m > cut
                    if !keep && m == cut && tiesLeft > 0 {
                        keep = true
                        tiesLeft -= 1
                    }
                    if keep { s[i] = w[i] > 0 ? 1 : (w[i] < 0 ? -1 : 0) }
                }
            }
        }
        self.signs = signs
        kept = k
        threshold = cut
        largestMagnitude = magnitudes[0]
    }
}
