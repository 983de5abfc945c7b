import Foundation
import SelfAssemble
import XCTest
@testable import SelfAssembleConnectome

/// Grid axes of a sweep (`--grid FIELD=VALUES`) and their application to a connectome: the
/// field resolved from a path or a unique name, lists, ranges, and every value checked by the
/// connectome parser.
final class GridTests: XCTestCase {
    func testValuesListsAndRanges() throws {
        XCTAssertEqual(try GridAxis.parse("ratio=1,2,4,7.5"), GridAxis(field: "ratio", values: ["1", "2", "4", "7.5"]))
        XCTAssertEqual(try GridAxis.parse("seed=1..5").values, ["1", "2", "3", "4", "5"])
        XCTAssertEqual(try GridAxis.parse("eta_w=0.1..0.5:0.1").values, ["0.1", "0.2", "0.3", "0.4", "0.5"], "the end is reached despite rounding")
        XCTAssertEqual(try GridAxis.parse("eta_w=0.1..0.5:0.1").field, "learning.eta_w")
        XCTAssertEqual(try GridAxis.parse("plastic=[W,V,Vbar,Wbar], [W, Vbar]"),
                       GridAxis(field: "learning.plastic", values: ["[W,V,Vbar,Wbar]", "[W, Vbar]"]))
        XCTAssertEqual(try GridAxis.parse("levels[2].size=64,128").field, "levels[2].size")
        XCTAssertEqual(try GridAxis.parse("downstream_activation=tanh").field, "cells.downstream_activation")
        XCTAssertEqual(try GridAxis.parse("development.steps=0").shortName, "steps")
        XCTAssertEqual(try GridAxis.parse("levels[1].ratio=2").shortName, "levels[1].ratio")
    }

    func testBadSpecsNameTheProblem() {
        for (spec, words) in [("=1", ["FIELD=VALUES"]), ("seed=3..1", ["backwards"]), ("seed=1..2.5", ["whole numbers"]),
                              ("eta_w=1..2:-1", ["step"]), ("eta_w=0..1e9:1e-9", ["typo"]), ("bogus=1", ["unknown field"]),
                              ("levels[0].size=3", ["counted from 1"]), ("levels[1].width=3", ["size"]), ("data=x", ["section"]),
                              ("ratio=1]", ["']' without"])] {
            XCTAssertThrowsError(try GridAxis.parse(spec), spec) { error in
                let text = String(describing: error)
                XCTAssertTrue(text.hasPrefix("--grid '\(spec)': "), text)
                for word in words { XCTAssertTrue(text.contains(word), "'\(word)' in \(text)") }
            }
        }
    }

    func testOverridesSetTheFieldAndKeepTheRest() throws {
        let base = Connectome(name: "base", description: "d", configuration: SimulationConfiguration())
        let changed = try ConnectomeOverride.apply([("ratio", "7.5"), ("learning.plastic", "[W, Vbar]"), ("levels[2].size", "64"),
                                                    ("seed", "3"), ("cells.downstream_activation", "tanh")], to: base, spec: "x")
        var expected = base.configuration
        expected.ratios = [7.5]
        expected.plastic = [.W, .Vbar]
        expected.sizes[2] = 64
        expected.seed = 3
        expected.downstreamActivation = .tanh
        XCTAssertEqual(changed.configuration, expected)
        XCTAssertEqual(changed.name, "base")
        // The top-level ratio replaces per-level ratios (a sweep over "the" ratio).
        var perLevel = base
        perLevel.configuration.ratios = [2, 3, 4]
        XCTAssertEqual(try ConnectomeOverride.apply([("ratio", "5")], to: perLevel, spec: "x").configuration.ratios, [5])
        XCTAssertEqual(try ConnectomeOverride.apply([("levels[3].ratio", "6")], to: perLevel, spec: "x").configuration.ratios, [2, 3, 6])
    }

    func testAValueTheParserRefusesIsRefusedWithItsReason() {
        let base = Connectome(name: "base", configuration: SimulationConfiguration())
        for (field, value, words) in [("ratio", "0.5", ["ratio: 0.5 is below 1"]), ("learning.eta_w", "-1", ["negative"]),
                                      ("levels[5].size", "3", ["3 levels"]), ("learning.plastic", "[W, X]", ["projection kind"])] {
            XCTAssertThrowsError(try ConnectomeOverride.apply([(field, value)], to: base, spec: "\(field)=\(value)")) { error in
                let text = String(describing: error)
                XCTAssertTrue(text.hasPrefix("--grid '\(field)=\(value)': "), text)
                for word in words { XCTAssertTrue(text.contains(word), "'\(word)' in \(text)") }
            }
        }
    }
}
