import Foundation

/// A bounded, deterministic fuzzing run of one target: every seed as it is, then `inputs`
/// mutations of the seeds (``SeededMutator``). The test suite and `selfassemble-fuzz --seeded`
/// run this; libFuzzer runs the same targets without a bound.
public struct SeededRun {
    public struct Failure {
        /// 0-based number of the input in the run (seeds first), for reproduction.
        public let index: Int
        public let input: [UInt8]
        public let description: String
    }

    public struct Summary {
        public let target: String
        /// Inputs tried (seeds included).
        public var inputs = 0
        /// Inputs from which at least one reader returned a value.
        public var read = 0
        /// Inputs every reader rejected with the project's error.
        public var rejected = 0
        public var failures: [Failure] = []

        public var line: String {
            "\(target): \(inputs) inputs, \(read) read, \(rejected) rejected with a one-line error, \(failures.count) failures"
        }
    }

    public let target: FuzzTarget
    public let corpus: FuzzCorpus
    public let seed: UInt64

    public init(target: FuzzTarget, corpus: FuzzCorpus, seed: UInt64) {
        self.target = target
        self.corpus = corpus
        self.seed = seed
    }

    /// Runs the seeds and `mutations` mutated inputs; those of run-file targets each in a
    /// process of its own (``FuzzIsolation``). `before` is told each input before it runs (so
    /// that a crash of the process can be traced to it).
    public func run(mutations: Int, in scratch: FuzzScratch, before: (Int, [UInt8]) -> Void = { _, _ in }) -> Summary {
        var summary = Summary(target: target.name)
        var mutator = SeededMutator(seed: seed, seeds: corpus.seeds.map(\.bytes), dictionary: corpus.dictionary)
        let count = corpus.seeds.count + mutations
        for index in 0 ..< count {
            let input = index < corpus.seeds.count ? corpus.seeds[index].bytes : mutator.next()
            before(index, input)
            summary.inputs += 1
            let outcome = target.isRunFile ? FuzzIsolation.run(target, input, in: scratch) : target.run(input, in: scratch)
            switch outcome {
            case .read: summary.read += 1
            case .rejected: summary.rejected += 1
            case .failed(let description): summary.failures.append(Failure(index: index, input: input, description: description))
            }
        }
        return summary
    }
}
