import Foundation
import SelfAssemble
import XCTest
@testable import SelfAssembleConnectome

/// render then parse gives back the same configuration, name and description: the property
/// that lets a run file's stored definition reproduce the run.
final class RoundTripTests: XCTestCase {
    private func roundTrip(_ connectome: Connectome, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = ConnectomeFile.render(connectome)
        let back = try ConnectomeFile.parse(text, source: "<rendered>", baseDirectory: nil, requireData: false)
        XCTAssertEqual(back.configuration, connectome.configuration, "configuration changed through:\n\(text)", file: file, line: line)
        XCTAssertEqual(back.name, connectome.name, file: file, line: line)
        XCTAssertEqual(back.description, connectome.description, file: file, line: line)
        XCTAssertEqual(ConnectomeFile.render(back), text, "rendering is not stable", file: file, line: line)
    }

    func testEveryShippedFileRoundTrips() throws {
        for file in try TestSupport.shippedFiles() {
            try roundTrip(try TestSupport.shipped(file))
        }
    }

    func testTheRenderedDefaultIsReadable() {
        let text = ConnectomeFile.render(Connectome(name: "default", description: "d"))
        XCTAssertTrue(text.contains("\nlevels:\n  - {size: 128}\n  - {size: 128}\n  - {size: 10}\n"), text)
        XCTAssertTrue(text.contains("learning: {rule: circuit, eta_w: 0.1, eta_v: 0, weight_decay: 0.0001, batch: 32, epochs: 30, plastic: [W, V, Vbar, Wbar], top_teaching: apical, compare_bp: false}"), text)
        XCTAssertTrue(text.contains("ratio: 2\n"), text)
    }

    func testPerLevelRatiosAndASingleRatioStayDistinct() throws {
        var c = SimulationConfiguration()
        c.ratios = [2, 2, 2]
        try roundTrip(Connectome(name: "per-level", configuration: c))
        c.ratios = [1, 4.5, 7.5]
        c.levelNames = ["a", "b", "c"]
        try roundTrip(Connectome(name: "mixed", configuration: c))
    }

    func testStringsThatYAMLWouldReadAsSomethingElse() throws {
        let tricky = ["null", "~", "1", "1e3", "yes", "No", "true", "a: b", "x #y", "[list]", "{map}", "-dash", " lead",
                      "trail ", "é and ü", "quote \"q\" and \\ back", "tab\there", "new\nline", "'single'", "*alias",
                      "&anchor", "!tag", "%percent", "@at", "`tick`", "0x1F", ".inf", "line\u{2028}sep", "bell\u{07}"]
        for (i, text) in tricky.enumerated() {
            var c = SimulationConfiguration()
            c.levelNames = [text, "level \(i) b", "out"]
            c.data = "/data dir/\(text.replacingOccurrences(of: "/", with: "_"))"
            try roundTrip(Connectome(name: text, description: text, configuration: c))
        }
    }

    /// Many configurations drawn from a seeded generator, covering every field.
    func testRandomConfigurationsRoundTrip() throws {
        var rng = Xoshiro256StarStar(seed: 2024, stream: 5)
        func uniform() -> Double { rng.nextUniform() }
        func pick<T>(_ values: [T]) -> T { values[rng.nextInt(below: values.count)] }
        for trial in 0..<300 {
            var c = SimulationConfiguration()
            c.seed = trial % 7 == 0 ? UInt64.max - UInt64(trial) : UInt64(rng.nextInt(below: 1_000_000))
            let levels = 1 + rng.nextInt(below: 9)
            c.sizes = (0...levels).map { _ in 1 + rng.nextInt(below: 300) }
            c.ratios = rng.nextInt(below: 2) == 0 ? [1 + 7 * uniform()] : (0..<levels).map { _ in pick([1, 2, 7.5, 1 + uniform()]) }
            c.levelNames = rng.nextInt(below: 2) == 0 ? nil : (0..<levels).map { "L\($0)-\(rng.nextInt(below: 100))" }
            c.rule = pick(RuleKind.allCases)
            c.loss = pick(Loss.allCases)
            c.upstreamActivation = pick(Activation.allCases)
            c.downstreamActivation = pick(Activation.allCases)
            c.batch = 1 + rng.nextInt(below: 256)
            c.epochs = rng.nextInt(below: 100)
            c.developmentSteps = 1 + rng.nextInt(below: 10_000)
            c.developmentRate = Float(uniform()) * 0.2
            c.etaW = pick([0.1, 0.05, Float(uniform()), 1e-7, 3e-4])
            c.etaV = pick([0, Float(uniform()) * 1e-3])
            c.weightDecay = pick([0, 1e-3, 3e-4, Float(uniform()) * 0.999])
            c.plastic = ProjectionKind.allCases.filter { _ in rng.nextInt(below: 2) == 0 }.shuffled(using: &rng)
            c.compareBackprop = rng.nextInt(below: 2) == 0
            c.snapshotEvery = 1 + rng.nextInt(below: 1000)
            c.probeSize = 1 + rng.nextInt(below: 1000)
            c.thresholds = AssemblyThresholds(reciprocity: 2 * uniform() - 1, descending: uniform(), alignmentH: uniform(),
                                              consecutive: 1 + rng.nextInt(below: 10))
            c.threads = 1 + rng.nextInt(below: 16)
            c.data = pick([nil, "/work/shared/data/digits8x8", "/tmp/a file.csv", "relative/dir"])
            c.testFraction = pick([0.2, 0.5, max(1e-9, min(uniform(), 0.999))])
            c.normalization = pick([nil] + Normalization.allCases.map { $0 })
            XCTAssertNoThrow(try c.validated(), "trial \(trial) drew an invalid configuration")
            try roundTrip(Connectome(name: "random-\(trial)", description: "trial \(trial)", configuration: c))
        }
    }
}
