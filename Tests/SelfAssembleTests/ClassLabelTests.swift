import SelfAssemble
import XCTest

/// What the labels of a data set must be: class numbers 0 to K-1, each with training samples,
/// at least two of them, and no more than the output level has cells.
final class ClassLabelTests: XCTestCase {
    private func split(train: [Int], test: [Int]) -> DataSplit {
        DataSplit(train: LabeledData(inputs: Matrix(zeros: train.count, 2), labels: train, classes: 0),
                  test: LabeledData(inputs: Matrix(zeros: test.count, 2), labels: test, classes: 0), description: "t")
    }

    private func assertRejected(_ s: DataSplit, sizes: [Int], mentions words: [String], line: UInt = #line) throws {
        let architecture = try Architecture(sizes: sizes, ratios: [2])
        XCTAssertThrowsError(try s.check(against: architecture), line: line) { error in
            for word in words { XCTAssertTrue("\(error)".contains(word), "'\(word)' in: \(error)", line: line) }
        }
    }

    func testLabelsCountedFromOneAreToldToSubtractOneWhateverTheOutputSize() throws {
        let s = split(train: [1, 2, 3, 1, 2, 3], test: [1, 2, 3])
        for nL in [3, 4, 10] {
            try assertRejected(s, sizes: [2, 4, nL], mentions: ["class 0 has no sample in the training split", "subtract 1", "0 to 2"])
        }
    }

    func testGapsAmongTheLabelsAreNamed() throws {
        try assertRejected(split(train: [0, 2, 5, 0], test: [2]), sizes: [2, 4, 6],
                           mentions: ["classes 1, 3, 4 have no sample", "renumber the 3 classes present (0, 2, 5) as 0 to 2"])
        try assertRejected(split(train: [0, 1, 0], test: [2]), sizes: [2, 4, 3], mentions: ["class 2 has no sample in the training split"])
    }

    func testOneClassIsNotAClassificationTask() throws {
        try assertRejected(split(train: [7, 7, 7], test: [7]), sizes: [2, 4, 8], mentions: ["one class only (label 7)", "at least two"])
        try assertRejected(split(train: [0, 0, 0], test: [0]), sizes: [2, 4, 1], mentions: ["one class only (label 0)"])
    }

    func testLabelsBeyondTheOutputLevelAskForTheRightSize() throws {
        try assertRejected(split(train: [0, 1, 2], test: [1]), sizes: [2, 4, 2], mentions: ["labels 0 to 2", "2 cells", "end --sizes with 3"])
    }

    func testWellNumberedLabelsPassWithoutWarnings() throws {
        let s = split(train: [0, 1, 2, 2], test: [2, 1, 0])
        XCTAssertNoThrow(try s.check(against: Architecture(sizes: [2, 4, 3], ratios: [2])))
        XCTAssertEqual(s.classesPresent, [0, 1, 2])
        XCTAssertEqual(s.warnings(against: try Architecture(sizes: [2, 4, 3], ratios: [2])), [])
    }

    func testAClassWithoutTestSamplesAndUnusedOutputCellsAreWarnings() throws {
        let s = split(train: [0, 1, 2, 2], test: [0, 0])
        let architecture = try Architecture(sizes: [2, 4, 5], ratios: [2])
        XCTAssertNoThrow(try s.check(against: architecture))
        let warnings = s.warnings(against: architecture)
        XCTAssertEqual(warnings.count, 2, "\(warnings)")
        XCTAssertTrue(warnings[0].contains("classes 1, 2 have samples in the training split but none in the test split"), warnings[0])
        XCTAssertTrue(warnings[1].contains("output cells 3 to 4 are never a target; end --sizes with 3"), warnings[1])
        let one = try Architecture(sizes: [2, 4, 4], ratios: [2])
        XCTAssertTrue(s.warnings(against: one).contains { $0.contains("output cell 3 is never a target; end --sizes with 3") },
                      "\(s.warnings(against: one))")
    }
}
