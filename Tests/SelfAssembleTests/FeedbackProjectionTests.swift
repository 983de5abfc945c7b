import SelfAssemble
import XCTest

/// FeedbackProjection describes every feedback matrix a rule owns (the run file's attributes,
/// `inspect` and `export` rely on it): its endpoints and shape agree with the matrices the rules
/// make, and names it does not know, or levels out of range, are not described.
final class FeedbackProjectionTests: XCTestCase {
    func testEveryRulesFeedbackIsDescribedWithItsShape() throws {
        let architecture = try Architecture(sizes: [16, 20, 12, 6], ratios: [2, 2, 2])
        let circuit = Circuit(randomFor: architecture, seed: 3)
        var described = 0
        for kind in RuleKind.allCases {
            let rule = kind.makeRule(dynamics: CircuitDynamics())
            for (name, matrix) in rule.initialFeedback(for: circuit, seed: 3) {
                let projection = try XCTUnwrap(FeedbackProjection(name: name, levels: 3), "\(kind.rawValue): \(name) is not described")
                let shape = projection.shape(upstreamSizes: architecture.upstreamSizes)
                XCTAssertEqual([shape.rows, shape.cols], [matrix.rows, matrix.cols], "\(kind.rawValue): \(name)")
                described += 1
            }
        }
        XCTAssertGreaterThanOrEqual(described, 12)
    }

    func testEndpointsFollowTheModel() throws {
        let b = try XCTUnwrap(FeedbackProjection(name: "B_2", levels: 3))
        XCTAssertEqual([b.sourceLevel, b.targetLevel, b.level], [2, 1, 2])
        XCTAssertEqual(b.role, .pathway)
        let direct = try XCTUnwrap(FeedbackProjection(name: "Bdirect_1", levels: 3))
        XCTAssertEqual([direct.sourceLevel, direct.targetLevel], [3, 1], "from the top to level 1")
        XCTAssertEqual(FeedbackProjection(name: "R_3", levels: 3)?.role, .magnitudes)
        let c = try XCTUnwrap(FeedbackProjection(name: "c_2", levels: 3))
        XCTAssertNil(c.sourceLevel)
        XCTAssertTrue(c.shape(upstreamSizes: [16, 20, 12, 6]) == (1, 20), "the bias of Q_2 is 1 x n_1")
        let skip = try XCTUnwrap(FeedbackProjection(name: "Qskip_3", levels: 3))
        XCTAssertEqual([skip.sourceLevel, skip.targetLevel], [3, 1], "dtp-skip's inverse past level 2")
        XCTAssertTrue(try XCTUnwrap(FeedbackProjection(name: "cskip_3", levels: 3)).shape(upstreamSizes: [16, 20, 12, 6]) == (1, 20))
        for name in ["B_1", "B_4", "Bdirect_3", "Q_1", "Qskip_2", "T_2", "B", "B_x"] {
            XCTAssertNil(FeedbackProjection(name: name, levels: 3), name)
        }
        XCTAssertEqual(FeedbackProjection.ordered(["R_3", "B_10", "B_3", "Bdirect_2", "R_2", "B_2", "T"]),
                       ["T", "B_2", "Bdirect_2", "R_2", "B_3", "R_3", "B_10"])
    }
}
