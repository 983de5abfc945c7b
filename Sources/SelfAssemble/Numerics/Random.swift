import Foundation

/// The simulator's own seeded generator: xoshiro256** (Blackman and Vigna, 2018), seeded
/// through SplitMix64, with normal deviates from the Marsaglia polar method.
///
/// It is written out here, not taken from the platform, so that a seed gives the same
/// circuit on every machine and every Swift release: the same seed, data and thread
/// count give bit-identical weights and metrics.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable, Codable {
    public private(set) var state: [UInt64]
    private var spareNormal: Double?

    /// A generator for one purpose of a run: `stream` separates the generators of one seed
    /// (initial weights, data order, spontaneous activity, ...), so that adding draws to one
    /// purpose leaves the others unchanged.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var sm = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = [splitmix(), splitmix(), splitmix(), splitmix()]
        if state.allSatisfy({ $0 == 0 }) { state[0] = 1 }
        spareNormal = nil
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = Self.rotl(state[3], 45)
        return result
    }

    /// Uniform on [0, 1), 53 bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in 0..<n without modulo bias.
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        return Int(truncatingIfNeeded: next(upperBound: UInt64(n)))
    }

    /// Standard normal deviate (Marsaglia polar method; the second deviate of a pair is kept).
    public mutating func nextNormal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * log(s) / s).squareRoot()
                spareNormal = v * f
                return u * f
            }
        }
    }

    /// A uniformly random permutation of 0..<n (Fisher-Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            p.swapAt(i, nextInt(below: i + 1))
        }
        return p
    }
}

/// The purposes of a run's generators (see ``Xoshiro256StarStar/init(seed:stream:)``).
public enum RandomStream: UInt64, Sendable {
    case initialWeights = 1
    case dataOrder = 2
    case spontaneousActivity = 3
    case probeBatch = 4
    case task = 5
    case split = 6
    case initialDownstreamWeights = 7
    /// A rule's own feedback projections at the start (B_l, R_l, inverses).
    case initialFeedback = 8
    /// Redraws of a rule's feedback during learning (brSF's R_l, target propagation's noise),
    /// seeded by the seed and the step (see ``FeedbackContext/generator(for:)``).
    case feedbackRedraw = 9
}
