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

    /// Found by fuzzing connectome files: numbers a file or the command line can give made the
    /// engine trap on an overflow instead of saying what is wrong.
    func testSizesAndStepsBeyondCountingAreErrorsNotTraps() throws {
        // m_l = round(r n_l) beyond what an Int holds.
        XCTAssertThrowsError(try Architecture(sizes: [4, 128, 3], ratios: [1e300])) { error in
            XCTAssertTrue("\(error)".contains("gives 1.28e+302 downstream cells, more than can be counted"), "\(error)")
        }
        XCTAssertThrowsError(try Architecture(sizes: [4, 1 << 62, 3], ratios: [3]))
        // Development steps and epochs near Int.max: valid each, but their total is not countable.
        var c = SimulationConfiguration()
        c.sizes = [4, 3]
        c.developmentSteps = Int.max
        c.epochs = 1
        XCTAssertNoThrow(try c.validated())
        var task = GaussianClusters(features: 4, classes: 3)
        task.trainSamples = 64
        task.testSamples = 16
        XCTAssertThrowsError(try Simulation(configuration: c, data: task.generate(seed: 1))) { error in
            XCTAssertTrue("\(error)".contains("more steps than can be counted"), "\(error)")
        }
        c.developmentSteps = 0
        c.epochs = Int.max / 2 + 1  // times 2 batches an epoch
        XCTAssertThrowsError(try Simulation(configuration: c, data: task.generate(seed: 1)))
    }
}
