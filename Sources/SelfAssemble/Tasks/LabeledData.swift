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

    /// The labels that occur, ascending.
    public var classesPresent: [Int] { Set(labels).sorted() }

    public func subset<C: Collection>(_ indices: C) -> LabeledData where C.Element == Int {
        LabeledData(inputs: inputs.gatherRows(indices), labels: indices.map { labels[$0] }, classes: classes)
    }
}
