/// Deterministic mutations of a seed corpus: what the test suite runs in place of libFuzzer
/// (which needs its own sanitizer build), so that every run of the suite tries the same
/// inputs and a failure can be reproduced from its number alone.
///
/// The operations are the usual ones of mutation fuzzers (libFuzzer, AFL): bit flips, bytes
/// set to random or boundary values, integers of 2, 4 or 8 bytes (either byte order) set to
/// boundary values (0, 1, -1, 2^31, 2^32 - 1, Int64.max, ...), truncation, deletion,
/// insertion of random bytes or of a token of the target's dictionary, duplication of a
/// range, and splicing with another seed. One to four of them are applied to a seed picked
/// at random.
public struct SeededMutator {
    private var rng: SplitMix64
    public let seeds: [[UInt8]]
    public let dictionary: [[UInt8]]

    public init(seed: UInt64, seeds: [[UInt8]], dictionary: [[UInt8]] = []) {
        precondition(!seeds.isEmpty, "a seeded mutator needs at least one seed input")
        rng = SplitMix64(seed: seed)
        self.seeds = seeds
        self.dictionary = dictionary
    }

    /// The next input: a mutated seed.
    public mutating func next() -> [UInt8] {
        var input = seeds[int(seeds.count)]
        for _ in 0 ... int(4) { mutate(&input) }
        return input
    }

    private static let interestingBytes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x20, 0x0A, 0x2C, 0x3A, 0x2D]
    private static let interestingIntegers: [UInt64] = [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE,
    ]

    private mutating func mutate(_ input: inout [UInt8]) {
        switch int(12) {
        case 0 where !input.isEmpty:  // flip one bit
            input[int(input.count)] ^= 1 << UInt8(int(8))
        case 1 where !input.isEmpty:  // a random byte
            input[int(input.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2 where !input.isEmpty:  // a boundary byte
            input[int(input.count)] = Self.interestingBytes[int(Self.interestingBytes.count)]
        case 3 where input.count >= 8:  // a boundary integer of 2, 4 or 8 bytes, either byte order
            let width = [2, 4, 8][int(3)]
            let value = Self.interestingIntegers[int(Self.interestingIntegers.count)]
            let at = int(input.count - width + 1)
            let bigEndian = int(2) == 0
            for k in 0 ..< width {
                let shift = UInt64(8 * (bigEndian ? width - 1 - k : k))
                input[at + k] = UInt8(truncatingIfNeeded: value >> shift)
            }
        case 4 where !input.isEmpty:  // truncate
            input.removeLast(1 + int(input.count))
        case 5 where input.count >= 2:  // delete a range
            let start = int(input.count)
            input.removeSubrange(start ..< min(input.count, start + 1 + int(16)))
        case 6:  // insert random bytes
            let bytes = (0 ... int(8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            input.insert(contentsOf: bytes, at: int(input.count + 1))
        case 7 where !input.isEmpty:  // duplicate a range elsewhere
            let start = int(input.count)
            let chunk = input[start ..< min(input.count, start + 1 + int(64))]
            input.insert(contentsOf: chunk, at: int(input.count + 1))
        case 8 where seeds.count > 1 || !input.isEmpty:  // splice with a seed
            let other = seeds[int(seeds.count)]
            input = Array(input.prefix(int(input.count + 1))) + other.suffix(int(other.count + 1))
        case 9 where !dictionary.isEmpty, 10 where !dictionary.isEmpty:  // insert a token
            input.insert(contentsOf: dictionary[int(dictionary.count)], at: int(input.count + 1))
        case 11 where !dictionary.isEmpty && !input.isEmpty:  // overwrite with a token
            let token = dictionary[int(dictionary.count)]
            let at = int(input.count)
            input.replaceSubrange(at ..< min(input.count, at + token.count), with: token)
        default:  // the chosen operation does not apply to this input: flip a bit somewhere else
            if !input.isEmpty { input[int(input.count)] ^= 0x01 } else { input = [UInt8(truncatingIfNeeded: rng.next())] }
        }
    }

    /// A uniform integer in 0 ..< bound (bound >= 1).
    private mutating func int(_ bound: Int) -> Int {
        Int(rng.next() % UInt64(bound))
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny generator, enough to pick mutations.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
