import Foundation
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
        c.descendingSteps = 1_234
        c.descendingRate = 0.7
        c.descendingDecay = 3e-3
        c.topTeaching = .error
        c.thresholds = AssemblyThresholds(reciprocity: 0.8, descending: 0.4, alignmentH: 0.7, consecutive: 5)
        let json = try c.json()
        XCTAssertEqual(try SimulationConfiguration(json: json), c)
        XCTAssertEqual(try c.json(), json, "the same configuration gives the same text")
        XCTAssertThrowsError(try SimulationConfiguration(json: "{}"))
    }

    /// Files written before model version 2 have no descending-stage or top-teaching keys: they
    /// read back as the version-1 run they recorded, not as a version-2 run.
    func testConfigurationOfAVersion1FileReadsAsVersion1() throws {
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try SimulationConfiguration().json().utf8)) as? [String: Any])
        for key in ["descendingSteps", "descendingRate", "descendingDecay", "topTeaching"] {
            XCTAssertNotNil(object.removeValue(forKey: key), key)
        }
        let old = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let c = try SimulationConfiguration(json: old)
        XCTAssertEqual(c.descendingSteps, 0)
        XCTAssertEqual(c.topTeaching, .error)
        XCTAssertEqual(c.developmentSteps, SimulationConfiguration().developmentSteps)
    }
}
