import Foundation
import SelfAssemble
import XCTest
@testable import SelfAssembleConnectome

/// The definitions in Connectomes/ say what their README and model.md say they are.
final class ShippedConnectomeTests: XCTestCase {
    /// The files the issue asks for; more may be added, none of these may go missing.
    static let required = [
        "default.yaml", "digits.yaml", "ventral-stream.yaml", "eight-hidden.yaml", "ablation-all-plastic.yaml",
        "ablation-vbar-only.yaml", "ablation-wbar-only.yaml", "ablation-v-only.yaml", "ablation-none-plastic.yaml",
        "linear-sgd.yaml", "version1.yaml", "descending-only.yaml",
    ]

    func testTheRequiredFilesAreShipped() throws {
        let files = try TestSupport.shippedFiles()
        for file in Self.required { XCTAssertTrue(files.contains(file), "Connectomes/\(file) is missing") }
    }

    func testEveryShippedFileParsesValidatesAndIsNamedAfterItsFile() throws {
        for file in try TestSupport.shippedFiles() {
            let path = TestSupport.shippedPath(file)
            let connectome = try TestSupport.shipped(file)
            XCTAssertNoThrow(try connectome.configuration.validated(), file)
            XCTAssertEqual(connectome.name, String(file.dropLast(".yaml".count)), "\(file): name differs from the file name")
            XCTAssertFalse(connectome.description.isEmpty, "\(file) has no description")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("# "), "\(file) does not start with a header comment")
        }
    }

    func testDefaultFileIsTheEmbeddedDefault() throws {
        XCTAssertEqual(try TestSupport.shipped("default.yaml").configuration, SimulationConfiguration())
    }

    func testDigitsFileIsTheDigitsConfigurationOfTheModel() throws {
        let c = try TestSupport.shipped("digits.yaml").configuration
        XCTAssertEqual(c.sizes, [64, 128, 128, 10])
        XCTAssertEqual(c.ratios, [2])
        XCTAssertEqual(c.batch, 32)
        XCTAssertEqual(c.developmentSteps, 3_000)
        XCTAssertEqual(c.descendingSteps, 2_000)
        XCTAssertEqual(c.descendingRate, 1.3)
        XCTAssertEqual(c.descendingDecay, 2e-3)
        XCTAssertEqual(c.topTeaching, .apical)
        XCTAssertEqual(c.epochs, 30)
        XCTAssertEqual(c.etaW, 0.1)
        XCTAssertEqual(c.weightDecay, 1e-4)
        XCTAssertEqual(c.etaV, 0)
        XCTAssertEqual(Set(c.plastic), Set(ProjectionKind.allCases))
        let expected = TestSupport.packageRoot.appendingPathComponent("../shared/data/digits8x8").standardizedFileURL.path
        XCTAssertEqual(c.data, expected, "the relative data path is resolved against Connectomes/")
    }

    /// Version 1 is the digits configuration with version 1's development, top-level teaching
    /// and weight decay; the descending-only control is it with the reciprocal stage off.
    func testVersion1AndTheDescendingOnlyControlDifferFromDigitsOnlyThere() throws {
        let digits = try TestSupport.shipped("digits.yaml").configuration
        var expected = digits
        expected.descendingSteps = 0
        expected.topTeaching = .error
        expected.weightDecay = 1e-3
        XCTAssertEqual(try TestSupport.shipped("version1.yaml").configuration, expected)
        expected = digits
        expected.developmentSteps = 0
        XCTAssertEqual(try TestSupport.shipped("descending-only.yaml").configuration, expected)
    }

    func testVentralStreamNamesItsAreasAndNarrowsUpTheStream() throws {
        let c = try TestSupport.shipped("ventral-stream.yaml").configuration
        XCTAssertEqual(c.levelNames, ["V1", "V2", "V4", "IT", "decision"])
        let areas = Array(c.sizes[1...4])
        XCTAssertEqual(areas, areas.sorted(by: >), "sizes must decrease up the stream")
        XCTAssertEqual(Set(areas).count, 4)
        XCTAssertEqual(c.sizes.last, 10, "the decision level has one cell per digit")
    }

    func testEightHiddenIsTheFigure3Depth() throws {
        let c = try TestSupport.shipped("eight-hidden.yaml").configuration
        XCTAssertEqual(c.sizes, [64] + Array(repeating: 100, count: 8) + [10])
        XCTAssertEqual(c.ratios, [2])
        XCTAssertEqual(c.developmentSteps, 2_000)
        XCTAssertEqual(c.descendingSteps, 2_000)
        XCTAssertEqual(c.rule, .circuit)
    }

    /// The Figure 4 files differ from each other only in which kinds are plastic (W always
    /// is), and from the default only in that and the input dimension of the synthetic task.
    func testAblationsDifferOnlyInPlasticity() throws {
        let expected: [String: Set<ProjectionKind>] = [
            "ablation-all-plastic.yaml": [.W, .V, .Vbar, .Wbar], "ablation-vbar-only.yaml": [.W, .Vbar],
            "ablation-wbar-only.yaml": [.W, .Wbar], "ablation-v-only.yaml": [.W, .V], "ablation-none-plastic.yaml": [.W],
        ]
        var base = SimulationConfiguration()
        base.sizes[0] = 16
        for (file, kinds) in expected {
            var c = try TestSupport.shipped(file).configuration
            XCTAssertEqual(Set(c.plastic), kinds, file)
            c.plastic = base.plastic
            XCTAssertEqual(c, base, "\(file) differs from the other ablations in more than plasticity")
        }
    }

    func testLinearSGDIsALinearNetworkTrainedByBackpropagationOnTheAblationTask() throws {
        let c = try TestSupport.shipped("linear-sgd.yaml").configuration
        let ablation = try TestSupport.shipped("ablation-all-plastic.yaml").configuration
        XCTAssertEqual(c.rule, .bp)
        XCTAssertEqual(c.upstreamActivation, .identity)
        XCTAssertEqual(c.developmentSteps, 0)
        XCTAssertEqual(c.sizes, ablation.sizes, "the same network as the ablations")
        XCTAssertEqual(c.data, ablation.data, "the same task as the ablations")
        XCTAssertEqual(c.seed, ablation.seed, "the same task as the ablations")
    }

    /// The digits circuits' data exist where their relative path points (in this setup).
    func testDataPathsOfShippedFilesExist() throws {
        try TestSupport.requireSharedDigits()
        for file in try TestSupport.shippedFiles() {
            XCTAssertNoThrow(try ConnectomeFile.load(path: TestSupport.shippedPath(file), requireData: true), file)
        }
    }

    /// Each shipped configuration builds a simulation that takes development and learning
    /// steps (on the synthetic task of the same shape, so no data files are needed).
    func testEveryShippedConfigurationBuildsASimulationThatSteps() throws {
        for file in try TestSupport.shippedFiles() {
            var c = try TestSupport.shipped(file).configuration
            c.data = nil
            c.developmentSteps = min(c.developmentSteps, 2)
            c.descendingSteps = min(c.descendingSteps, 2)
            c.epochs = 1
            let data = GaussianClusters.task(for: c)
            var simulation = try Simulation(configuration: c, data: data)
            for _ in 0..<4 { try simulation.advance { _ in } }
            XCTAssertEqual(simulation.step, 4, file)
            XCTAssertNil(simulation.divergedAtStep, file)
            XCTAssertTrue(simulation.circuit.isFinite, file)
        }
    }
}
