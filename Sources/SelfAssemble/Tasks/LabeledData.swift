/// A classification data set in memory: one sample per row, features scaled for the circuit.
public struct LabeledData: Equatable, Sendable {
    public var inputs: Matrix
    public var labels: [Int]
    /// Number of classes (labels are 0 ..< classes).
    public var classes: Int

    public init(inputs: Matrix, labels: [Int], classes: Int) {
        precondition(inputs.rows == labels.count, "one label per sample")
        self.inputs = inputs
        self.labels = labels
        self.classes = classes
    }

    public var count: Int { labels.count }
    public var features: Int { inputs.cols }

    public func subset<C: Collection>(_ indices: C) -> LabeledData where C.Element == Int {
        LabeledData(inputs: inputs.gatherRows(indices), labels: indices.map { labels[$0] }, classes: classes)
    }
}

/// A task: training and test data and a line that says where they came from.
public struct DataSplit: Equatable, Sendable {
    public var train: LabeledData
    public var test: LabeledData
    public var description: String

    public init(train: LabeledData, test: LabeledData, description: String) {
        self.train = train
        self.test = test
        self.description = description
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

    /// Checks that the data fit a circuit: input size n_0 and n_L classes.
    public func check(against architecture: Architecture) throws {
        let n0 = architecture.upstreamSizes.first!, nL = architecture.upstreamSizes.last!
        guard train.features == n0 && test.features == n0 else {
            throw ConfigurationError("the data have \(train.features) features but sizes starts with \(n0): pass --sizes \(train.features),...")
        }
        let maxLabel = max(train.labels.max() ?? 0, test.labels.max() ?? 0)
        guard maxLabel < nL else {
            throw ConfigurationError("the data have labels up to \(maxLabel) but the output level has \(nL) cells: end --sizes with \(maxLabel + 1) or more")
        }
        guard train.count > 0 && test.count > 0 else {
            throw ConfigurationError("the data need at least one training and one test sample")
        }
    }
}
