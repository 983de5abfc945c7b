/// A task: training and test data, the normalization that made their inputs from the raw
/// values, and a line that says where they came from.
public struct DataSplit: Equatable, Sendable {
    public var train: LabeledData
    public var test: LabeledData
    public var description: String
    /// How the raw features became `train.inputs` and `test.inputs` (fitted on the training
    /// split); the identity until ``normalized(_:)`` is applied.
    public var normalization: FeatureNormalization

    /// A 64-bit FNV-1a hash of both splits as the circuit sees them (every input's bits and
    /// every label, train then test), as 16 hex digits: two data sets of the same sizes with
    /// any value or label different have different fingerprints, short of a hash collision.
    /// Not a cryptographic hash: it guards against mistakes, not against forgery.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ word: UInt64) {
            hash = (hash ^ word) &* 0x0000_0100_0000_01b3
        }
        for split in [train, test] {
            mix(UInt64(split.inputs.rows))
            mix(UInt64(split.inputs.cols))
            for value in split.inputs.values { mix(UInt64(value.bitPattern)) }
            for label in split.labels { mix(UInt64(bitPattern: Int64(label))) }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public init(train: LabeledData, test: LabeledData, description: String, normalization: FeatureNormalization? = nil) {
        self.train = train
        self.test = test
        self.description = description
        self.normalization = normalization ?? .identity(features: train.features)
    }

    /// Splits one data set into train and test: a seeded random `testFraction` of the
    /// samples (at least one) goes to the test set.
    public init(splitting data: LabeledData, testFraction: Double, seed: UInt64, description: String) throws {
        guard testFraction > 0 && testFraction < 1 else {
            throw ConfigurationError("test fraction must be between 0 and 1 (exclusive), got \(testFraction)")
        }
        var rng = Xoshiro256StarStar(seed: seed, stream: RandomStream.split.rawValue)
        let order = rng.permutation(data.count)
        let nTest = min(data.count - 1, max(1, Int((Double(data.count) * testFraction).rounded())))
        guard nTest >= 1 && data.count - nTest >= 1 else {
            throw ConfigurationError("the data set has \(data.count) samples: too few to split into train and test")
        }
        self.init(train: data.subset(order[nTest...]), test: data.subset(order[..<nTest]), description: description)
    }

    /// The classes the training split has samples of, ascending: what the circuit can learn.
    public var classesPresent: [Int] { train.classesPresent }

    /// The split with `method`'s statistics computed on the training split and applied to
    /// both splits. Call it on raw values (a split whose normalization is still the identity).
    /// Throws a `ConfigurationError` when a normalized value is beyond the Float range.
    public func normalized(_ method: Normalization) throws -> DataSplit {
        precondition(normalization.method == .none, "the split is normalized already")
        let map = FeatureNormalization(method: method, fittedTo: train.inputs)
        var result = self
        result.normalization = map
        result.train.inputs = map.apply(to: train.inputs)
        result.test.inputs = map.apply(to: test.inputs)
        for (name, set) in [("training", result.train), ("test", result.test)] where !set.inputs.isFinite {
            let i = set.inputs.values.firstIndex { !$0.isFinite }!
            throw ConfigurationError("feature \(i % set.features + 1) of the \(name) split is beyond the Float range after \(method.rawValue) normalization (sample \(i / set.features + 1)); rescale that column or choose another normalization")
        }
        return result
    }

    /// Checks the labels: classes must be numbered 0 to K-1, each with a sample in the training
    /// split, and there must be at least two. Throws a `ConfigurationError` that names the
    /// classes without a sample and the likely fix.
    public func checkClasses() throws {
        let present = classesPresent
        guard present.count >= 2 else {
            let which = present.first.map { " (label \($0))" } ?? ""
            throw ConfigurationError("the training split holds samples of one class only\(which); a classifier needs samples of at least two classes")
        }
        let largest = max(present.last!, test.labels.max() ?? 0)
        let missing = Set(0...largest).subtracting(present).sorted()
        guard missing.isEmpty else {
            let what = missing.count == 1 ? "class \(missing[0]) has" : "classes \(Self.list(missing)) have"
            let fix = missing == [0]
                ? "labels counted from 1? subtract 1 from every label so that they run from 0 to \(largest - 1)"
                : "labels must be class numbers 0 to K-1 with samples of each: renumber the \(present.count) classes present (\(Self.list(present))) as 0 to \(present.count - 1)"
            throw ConfigurationError("the labels run up to \(largest) but \(what) no sample in the training split; \(fix)")
        }
    }

    /// Checks that the data fit a circuit: input size n_0, labels as ``checkClasses()`` wants
    /// them, and n_L output cells for them.
    public func check(against architecture: Architecture) throws {
        let n0 = architecture.upstreamSizes.first!, nL = architecture.upstreamSizes.last!
        guard train.features == n0 && test.features == n0 else {
            throw ConfigurationError("the data have \(train.features) features but sizes starts with \(n0): pass --sizes \(train.features),...")
        }
        guard train.count > 0 && test.count > 0 else {
            throw ConfigurationError("the data need at least one training and one test sample")
        }
        try checkClasses()
        let maxLabel = max(train.labels.max() ?? 0, test.labels.max() ?? 0)
        guard maxLabel < nL else {
            throw ConfigurationError("the data have labels 0 to \(maxLabel) but the output level has \(nL) cells: end --sizes with \(maxLabel + 1)")
        }
    }

    /// What is legal but probably not meant: a class of the training split without a test
    /// sample (test accuracy says nothing about it), output cells no label ever names.
    public func warnings(against architecture: Architecture) -> [String] {
        var warnings: [String] = []
        let present = classesPresent
        let inTest = Set(test.labels)
        let untested = present.filter { !inTest.contains($0) }
        if !untested.isEmpty {
            let what = untested.count == 1 ? "class \(untested[0]) has" : "classes \(Self.list(untested)) have"
            warnings.append("\(what) samples in the training split but none in the test split: test accuracy says nothing about \(untested.count == 1 ? "it" : "them")")
        }
        let nL = architecture.upstreamSizes.last!, classes = (present.last ?? 0) + 1
        if nL > classes {
            warnings.append("the output level has \(nL) cells but the labels run from 0 to \(classes - 1): \(classes == nL - 1 ? "output cell \(classes) is" : "output cells \(classes) to \(nL - 1) are") never a target; end --sizes with \(classes)")
        }
        return warnings
    }

    /// Class numbers for a message: all of them up to 12, else the first 10 and how many.
    static func list(_ classes: [Int]) -> String {
        guard classes.count > 12 else { return classes.map(String.init).joined(separator: ", ") }
        return classes.prefix(10).map(String.init).joined(separator: ", ") + " and \(classes.count - 10) more"
    }
}
