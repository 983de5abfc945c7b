import Foundation
import SelfAssemble
import XCTest
@testable import SelfAssembleConnectome

/// One test per kind of mistake: each must be rejected with one line naming the file, the
/// field path (and line) and what is wrong.
final class ValidationTests: XCTestCase {
    private let levels = "levels:\n  - {size: 128}\n  - {size: 10}\n"

    // MARK: Unknown fields

    /// Found by fuzzing: these traps on an overflow before they were errors.
    func testNumbersBeyondCountingAreErrorsNotTraps() {
        TestSupport.assertRejects("ratio: 1e300\n", field: "levels",
                                  problem: ["ratio 1e+300 x 128 cells at level 1", "more than can be counted"])
        TestSupport.assertRejects("levels:\n  - {size: 4611686018427387904, ratio: 3}\n", field: "levels",
                                  problem: ["more than can be counted"])
        XCTAssertNoThrow(try ConnectomeFile.parse("development: {steps: 9223372036854775807}\nlearning: {epochs: 1}\n",
                                                  source: "x.yaml", baseDirectory: nil, requireData: false))
    }

    /// Found by fuzzing: a plain scalar folded over two lines went into the message as it was.
    func testTheFileTextInAMessageStaysOnOneLine() {
        TestSupport.assertRejects("los!!\n\nupstream_activation", field: nil, line: 1,
                                  problem: ["got 'los!!\\nupstream_activation'"])
        TestSupport.assertRejects("learning: {rule: \"bp\\r\\u001B[2J\"}\n", field: "learning.rule",
                                  problem: ["unknown rule 'bp\\r\\u{1B}[2J'"])
    }

    func testUnknownTopLevelFieldSuggestsTheNearestName() {
        TestSupport.assertRejects("seed: 1\nlevls:\n  - {size: 10}\n", field: "levls", line: 2,
                                  problem: ["unknown field", "did you mean 'levels'?"])
    }

    func testUnknownNestedFieldSuggestsTheNearestName() {
        TestSupport.assertRejects("learning: {rule: circuit, eta_W: 0.1}\n", field: "learning.eta_W", line: 1,
                                  problem: ["unknown field", "did you mean 'eta_w'?"])
        TestSupport.assertRejects(levels + "detection: {recipocity: 0.9}\n", field: "detection.recipocity",
                                  problem: ["did you mean 'reciprocity'?"])
    }

    func testUnknownLevelField() {
        TestSupport.assertRejects("levels:\n  - {size: 128}\n  - {sise: 10}\n", field: "levels[2].sise", line: 3,
                                  problem: ["unknown field", "did you mean 'size'?"])
    }

    func testFieldInTheWrongSectionIsPointedToItsSection() {
        TestSupport.assertRejects("batch: 32\n", field: "batch", problem: ["unknown field", "'batch' belongs under learning:"])
        TestSupport.assertRejects("learning: {seed: 3}\n", field: "learning.seed", problem: ["'seed' belongs at the top level"])
    }

    func testFarOffUnknownFieldListsTheKnownOnes() {
        TestSupport.assertRejects("runtime: {gpu: true}\n", field: "runtime.gpu", problem: ["unknown field", "known fields here: threads"])
    }

    // MARK: Types

    func testWrongTypeOfANumber() {
        TestSupport.assertRejects("learning: {batch: thirty-two}\n", field: "learning.batch",
                                  problem: ["expected a whole number", "'thirty-two'"])
        TestSupport.assertRejects("learning: {eta_w: fast}\n", field: "learning.eta_w", problem: ["expected a learning rate", "'fast'"])
        TestSupport.assertRejects("seed: -1\n", field: "seed", problem: ["expected a whole number from 0"])
    }

    func testAFractionWhereAWholeNumberIsNeeded() {
        TestSupport.assertRejects("levels:\n  - {size: 12.5}\n", field: "levels[1].size", line: 2, problem: ["expected a whole number", "'12.5'"])
    }

    func testAQuotedNumberIsAString() {
        TestSupport.assertRejects("levels:\n  - {size: \"128\"}\n", field: "levels[1].size",
                                  problem: ["the quoted string \"128\"", "without quotes"])
    }

    func testAScalarWhereAListOrAMappingIsNeeded() {
        TestSupport.assertRejects("levels: 5\n", field: "levels", problem: ["expected a list of levels", "got '5'"])
        TestSupport.assertRejects("cells: relu\n", field: "cells", problem: ["expected a mapping", "got 'relu'"])
        TestSupport.assertRejects("learning: {plastic: W}\n", field: "learning.plastic", problem: ["expected a list of projection kinds"])
        TestSupport.assertRejects("- a\n- b\n", field: nil, problem: ["expected a mapping of fields", "got a list"])
    }

    func testAListWhereANumberIsNeeded() {
        TestSupport.assertRejects("ratio: [2, 3]\n", field: "ratio", problem: ["expected a number >= 1", "got a list"])
    }

    func testNullWhereAValueIsNeeded() {
        TestSupport.assertRejects("learning: {batch: }\n", field: "learning.batch", problem: ["got nothing (null)"])
    }

    // MARK: Ranges

    func testNegativeAndZeroSizes() {
        TestSupport.assertRejects("levels:\n  - {size: -3}\n  - {size: 10}\n", field: "levels[1].size", line: 2,
                                  problem: ["-3 is not a positive number of cells"])
        TestSupport.assertRejects("levels:\n  - {size: 128}\n  - {size: 0}\n", field: "levels[2].size", line: 3,
                                  problem: ["0 is not a positive number of cells"])
        TestSupport.assertRejects("input: 0\n", field: "input", problem: ["0 is not a positive number of input cells"])
    }

    func testRatioBelowOne() {
        TestSupport.assertRejects("levels:\n  - {size: 128}\n  - {size: 10, ratio: 0.5}\n", field: "levels[2].ratio", line: 3,
                                  problem: ["0.5 is below 1", "at least as wide as the upstream one"])
        TestSupport.assertRejects("ratio: 0.9\n", field: "ratio", problem: ["0.9 is below 1"])
    }

    func testOtherRanges() {
        TestSupport.assertRejects("learning: {batch: 0}\n", field: "learning.batch", problem: ["0 is not a positive batch size"])
        TestSupport.assertRejects("learning: {epochs: -1}\n", field: "learning.epochs", problem: ["-1 is negative"])
        TestSupport.assertRejects("learning: {eta_w: -0.1}\n", field: "learning.eta_w", problem: ["-0.1 is negative"])
        TestSupport.assertRejects("learning: {weight_decay: 1}\n", field: "learning.weight_decay", problem: ["outside [0, 1)"])
        TestSupport.assertRejects("development: {steps: -5}\n", field: "development.steps", problem: ["-5 is negative"])
        TestSupport.assertRejects("development: {rate: -1}\n", field: "development.rate", problem: ["negative"])
        TestSupport.assertRejects("data: {test_fraction: 1}\n", field: "data.test_fraction", problem: ["not between 0 and 1"])
        TestSupport.assertRejects("snapshots: {every: 0}\n", field: "snapshots.every", problem: ["not a positive"])
        TestSupport.assertRejects("snapshots: {probe_size: -2}\n", field: "snapshots.probe_size", problem: ["not a positive"])
        TestSupport.assertRejects("detection: {alignment_H: 1.5}\n", field: "detection.alignment_H", problem: ["outside [-1, 1]"])
        TestSupport.assertRejects("detection: {consecutive: 0}\n", field: "detection.consecutive", problem: ["not a positive"])
        TestSupport.assertRejects("runtime: {threads: 0}\n", field: "runtime.threads", problem: ["not a positive number of threads"])
        TestSupport.assertRejects("learning: {eta_w: .nan}\n", field: "learning.eta_w", problem: ["expected a learning rate"])
    }

    func testNothingToSimulate() {
        TestSupport.assertRejects("development: {steps: 0, descending_steps: 0}\nlearning: {epochs: 0}\n", field: "learning.epochs", line: 2,
                                  problem: ["nothing to simulate"])
    }

    // MARK: Names

    func testUnknownRuleActivationLossAndProjectionKind() {
        TestSupport.assertRejects("learning: {rule: hebb}\n", field: "learning.rule", problem: ["unknown rule 'hebb'", "circuit, bp"])
        TestSupport.assertRejects("cells: {upstream_activation: tanhh}\n", field: "cells.upstream_activation",
                                  problem: ["unknown activation 'tanhh'", "did you mean 'tanh'?"])
        TestSupport.assertRejects("cells: {loss: hinge}\n", field: "cells.loss", problem: ["unknown loss 'hinge'", "cross-entropy, mse"])
        TestSupport.assertRejects("learning: {plastic: [W, Vbr]}\n", field: "learning.plastic[2]",
                                  problem: ["unknown projection kind 'Vbr'", "did you mean 'Vbar'?"])
    }

    func testNormalizationIsOneOfItsNames() throws {
        TestSupport.assertRejects("data: {normalize: zscores}\n", field: "data.normalize",
                                  problem: ["unknown normalization 'zscores'", "zscore, minmax, none, pixels", "did you mean 'zscore'?"])
        XCTAssertEqual(try ConnectomeFile.parse("data: {normalize: minmax}\n", source: "x", baseDirectory: nil).configuration.normalization, .minmax)
        XCTAssertEqual(try ConnectomeFile.parse("data: {normalize: none}\n", source: "x", baseDirectory: nil).configuration.normalization,
                       Normalization.none, "'none' is the normalization, not YAML's null")
        XCTAssertNil(try ConnectomeFile.parse("data: {normalize: ~}\n", source: "x", baseDirectory: nil).configuration.normalization)
    }

    func testAProjectionKindListedTwice() {
        TestSupport.assertRejects("learning: {plastic: [W, W]}\n", field: "learning.plastic[2]", problem: ["W is listed twice"])
    }

    func testDuplicateLevelNames() {
        TestSupport.assertRejects("levels:\n  - {name: V1, size: 10}\n  - {name: V1, size: 10}\n", field: "levels[2].name", line: 3,
                                  problem: ["'V1' is already the name of levels[1]", "distinct"])
    }

    func testSomeLevelsNamedAndOthersNot() {
        TestSupport.assertRejects("levels:\n  - {name: V1, size: 10}\n  - {size: 10}\n", field: "levels[2].name", line: 3,
                                  problem: ["missing, but levels[1] is named", "every level or none"])
    }

    func testEmptyNames() {
        TestSupport.assertRejects("levels:\n  - {name: '', size: 10}\n", field: "levels[1].name", problem: ["empty"])
        TestSupport.assertRejects("name: \" \"\n", field: "name", problem: ["empty"])
    }

    func testALevelWithoutSizeAndAnEmptyLevelList() {
        TestSupport.assertRejects("levels:\n  - {name: V1}\n", field: "levels[1]", line: 2, problem: ["missing size"])
        TestSupport.assertRejects("levels: []\n", field: "levels", problem: ["empty; give at least one level"])
    }

    // MARK: Data

    func testMissingDataPathNamesTheResolvedPath() {
        TestSupport.assertRejects("data: {path: no/such/dir}\n", field: "data.path", line: 1,
                                  problem: ["'no/such/dir' (resolved to /nonexistent-base/no/such/dir) does not exist",
                                            "relative to the connectome file's directory"])
        TestSupport.assertRejects("data: {path: /no/such/file.csv}\n", field: "data.path", problem: ["'/no/such/file.csv' does not exist"])
        TestSupport.assertRejects("data: {path: ''}\n", field: "data.path", problem: ["empty"])
    }

    // MARK: The file as a whole

    func testYAMLSyntaxErrorsGiveTheLine() {
        TestSupport.assertRejects("seed: 1\nlevels:\n  - {size: 128\n  - {size: 10}\n", field: nil, problem: ["YAML syntax error"])
        let error = TestSupport.error("seed: 1\nlearning: {batch: 32\nepochs: 3\n")
        XCTAssertNotNil(error?.line, "\(String(describing: error))")
        TestSupport.assertRejects("seed: 1\n  bad indent: 2\n", field: nil, line: 2, problem: ["YAML syntax error"])
        TestSupport.assertRejects("seed: [1\n", field: nil, problem: ["YAML syntax error"])
    }

    func testDuplicateKeys() {
        TestSupport.assertRejects("seed: 1\nseed: 2\n", field: nil, line: 1, problem: ["'seed' given twice"])
    }

    func testEmptyFile() {
        for text in ["", "\n\n", "# only a comment\n", "~\n"] {
            TestSupport.assertRejects(text, field: nil, problem: ["the file is empty"])
        }
    }

    func testTheMessageIsFileLineFieldProblem() {
        let error = TestSupport.error("levels:\n  - {size: 128}\n  - {size: 10, ratio: 0.5}\n")
        XCTAssertEqual(error?.description,
                       "Connectomes/x.yaml:3: levels[2].ratio: 0.5 is below 1 (the downstream stream must be at least as wide as the upstream one: m_l = round(r n_l) >= n_l)")
    }

    func testLoadNamesAMissingFileAndADirectory() throws {
        XCTAssertThrowsError(try ConnectomeFile.load(path: "/no/such/connectome.yaml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/no/such/connectome.yaml: no such file"), "\(error)")
        }
        let dir = try TestSupport.temporaryDirectory(for: self)
        XCTAssertThrowsError(try ConnectomeFile.load(path: dir.path)) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
        }
        let binary = dir.appendingPathComponent("binary.yaml")
        try Data([0xFF, 0xFE, 0x00, 0xC3]).write(to: binary)
        XCTAssertThrowsError(try ConnectomeFile.load(path: binary.path)) { error in
            XCTAssertTrue("\(error)".contains("not UTF-8"), "\(error)")
        }
    }

    /// The engine's own check is the backstop; its messages map to the file's field names.
    func testConfigurationErrorsMapToFields() {
        let cases = [
            ("eta-w must be a finite number >= 0, got -1.0", "learning.eta_w"),
            ("batch must be a positive integer, got 0", "learning.batch"),
            ("ratio must be a number >= 1 (the downstream stream is at least as wide as the upstream one), got 0.5", "levels"),
            ("the detector needs K >= 1 consecutive snapshots, got 0", "detection.consecutive"),
            ("test-fraction must be between 0 and 1 (exclusive), got 2.0", "data.test_fraction"),
        ]
        for (message, field) in cases {
            let error = ConfigurationErrorMapping.connectomeError(ConfigurationError(message), source: "f.yaml")
            XCTAssertEqual(error.description, "f.yaml: \(field): \(message)")
        }
    }

    func testOmittedFieldsTakeTheDefault() throws {
        let c = try ConnectomeFile.parse("learning: {batch: 16}\n", source: "x", baseDirectory: nil).configuration
        var expected = SimulationConfiguration()
        expected.batch = 16
        XCTAssertEqual(c, expected)
        let input = try ConnectomeFile.parse("input: 784\nratio: 3\n", source: "x", baseDirectory: nil).configuration
        XCTAssertEqual(input.sizes, [784, 128, 128, 10])
        XCTAssertEqual(input.ratios, [3])
    }

    func testALevelsOwnRatioOverridesTheTopLevelOne() throws {
        let c = try ConnectomeFile.parse("ratio: 3\nlevels:\n  - {size: 50, ratio: 1.5}\n  - {size: 10}\n", source: "x",
                                         baseDirectory: nil).configuration
        XCTAssertEqual(c.ratios, [1.5, 3])
        XCTAssertEqual(try c.validated().downstreamSizes, [75, 30])
    }

    func testNameDefaultsToTheFileName() throws {
        let dir = try TestSupport.temporaryDirectory(for: self)
        let file = dir.appendingPathComponent("my-circuit.yaml")
        try TestSupport.write("seed: 3\n", to: file)
        XCTAssertEqual(try ConnectomeFile.load(path: file.path).name, "my-circuit")
    }
}
