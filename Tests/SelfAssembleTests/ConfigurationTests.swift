import SelfAssemble
import XCTest

final class ConfigurationTests: XCTestCase {
    /// Run files store the configuration as JSON and continue runs from it: every field survives.
    func testJSONRoundTripKeepsEveryField() throws {
        var c = SimulationConfiguration()
        c.levelNames = ["a", "b", "c"]
        c.ratios = [1, 2, 3]
        c.plastic = [.W, .Vbar]
        c.data = "/data/digits"
        c.compareBackprop = true
        c.thresholds = AssemblyThresholds(reciprocity: 0.8, descending: 0.4, alignmentH: 0.7, consecutive: 5)
        let json = try c.json()
        XCTAssertEqual(try SimulationConfiguration(json: json), c)
        XCTAssertEqual(try c.json(), json, "the same configuration gives the same text")
        XCTAssertThrowsError(try SimulationConfiguration(json: "{}"))
    }
}
