import SelfAssemble
import XCTest

/// Each learning rule's defining property (issue 11's acceptance): fa and dfa feedback never
/// changes; sign-concordant feedback has W's signs (brSF's magnitudes change between updates,
/// frSF's do not); Kolen-Pollack's B_l converges to W_l^T. Every rule learns the small task,
/// and its runs continue bit-identically from a snapshot.
final class LearningRuleTests: XCTestCase {
    static func configuration(_ rule: RuleKind, epochs: Int = 5) -> SimulationConfiguration {
        var c = SimulationConfiguration()
        c.seed = 5
        c.rule = rule
        c.sizes = [16, 20, 12, 6]
        c.developmentSteps = 0
        c.descendingSteps = 0
        c.epochs = epochs
        c.batch = 16
        c.snapshotEvery = 20
        return c
    }

    static func data() -> DataSplit {
        var task = GaussianClusters(features: 16, classes: 6)
        task.noise = 0.15
        task.clustersPerClass = 2
        task.trainSamples = 480
        task.testSamples = 60
        return task.generate(seed: 5)
    }

    private func snapshots(_ c: SimulationConfiguration) throws -> (snapshots: [Snapshot], summary: SimulationSummary) {
        var simulation = try Simulation(configuration: c, data: Self.data())
        var snapshots = [Snapshot]()
        let summary = try simulation.run { if case .snapshot(let s) = $0 { snapshots.append(s) } }
        return (snapshots, summary)
    }

    func testFeedbackAlignmentFeedbackNeverChanges() throws {
        for (rule, names) in [(RuleKind.fa, ["B_2", "B_3"]), (.dfa, ["Bdirect_1", "Bdirect_2"])] {
            let (snapshots, summary) = try snapshots(Self.configuration(rule))
            XCTAssertEqual(snapshots.first!.circuit.feedback.keys.sorted(), names, "\(rule)")
            for s in snapshots { XCTAssertEqual(s.circuit.feedback, snapshots.first!.circuit.feedback, "\(rule) step \(s.step)") }
            XCTAssertNotEqual(summary.finalCircuit[1].W, snapshots.first!.circuit[1].W, "\(rule): W learned")
            XCTAssertGreaterThan(summary.finalTestAccuracy, 0.5, "\(rule) learns the task (chance 1/6; bp 0.92 after 3 epochs)")
        }
    }

    func testSignConcordantFeedbackHasTheSignsOfW() throws {
        var magnitudes = [RuleKind: [[Float]]]()
        for rule in [RuleKind.usf, .brsf, .frsf] {
            let c = Self.configuration(rule)
            var simulation = try Simulation(configuration: c, data: Self.data())
            try simulation.start { _ in }
            var seen = [[Float]]()
            for _ in 0..<5 {
                let w = simulation.circuit[2].W
                try simulation.advance { _ in }
                // B was set from W just before the step.
                let b = simulation.circuit.feedback["B_2"]!
                XCTAssertEqual(b.values.map { $0.sign }, w.transposed.values.map { $0.sign }, "\(rule): sign(B_2) = sign(W_2)^T")
                XCTAssertTrue(b.values.allSatisfy { $0 != 0 })
                seen.append(b.values.map(abs))
            }
            magnitudes[rule] = seen
        }
        XCTAssertEqual(Set(magnitudes[.usf]!.flatMap { $0 }).count, 1, "uSF: one magnitude everywhere")
        XCTAssertNotEqual(magnitudes[.brsf]![0], magnitudes[.brsf]![1], "brSF: magnitudes redrawn at every update")
        XCTAssertEqual(magnitudes[.frsf]![0], magnitudes[.frsf]![4], "frSF: magnitudes fixed")
        XCTAssertGreaterThan(Set(magnitudes[.frsf]![0]).count, 100, "frSF: random magnitudes")
        for rule in [RuleKind.usf, .brsf, .frsf] {
            XCTAssertGreaterThan(try snapshots(Self.configuration(rule)).summary.finalTestAccuracy, 0.5, "\(rule) learns")
        }
    }

    func testKolenPollackFeedbackConvergesToTheTransposeOfW() throws {
        var c = Self.configuration(.kolenPollack, epochs: 40)
        c.weightDecay = 3e-3
        let (snapshots, summary) = try snapshots(c)
        let first = snapshots.first!.circuit, last = summary.finalCircuit
        for l in 2...3 {
            let before = cosineSimilarity(first.feedback["B_\(l)"]!, first[l].W.transposed)
            let after = cosineSimilarity(last.feedback["B_\(l)"]!, last[l].W.transposed)
            XCTAssertLessThan(abs(before), 0.3, "level \(l): random at the start")
            XCTAssertGreaterThan(after, 0.99, "level \(l): B_l aligned with W_l^T")
        }
        XCTAssertGreaterThan(summary.finalTestAccuracy, 0.9)
        // alignment_bp (of kolen-pollack's own update) rises with it.
        XCTAssertGreaterThan(summary.finalMotif[0].alignmentBP, 0.95)
    }

    func testBackpropAlignmentWithItselfIsOne() throws {
        let summary = try snapshots(Self.configuration(.bp, epochs: 1)).summary
        for m in summary.finalMotif { XCTAssertEqual(m.alignmentBP, 1, accuracy: 1e-5) }
    }

    func testRunsWithFeedbackContinueBitIdentically() throws {
        for rule in [RuleKind.fa, .dfa, .usf, .brsf, .frsf, .kolenPollack, .gaitProp, .dtp, .dtpSkip] {
            let c = Self.configuration(rule, epochs: 2)
            let (snapshots, summary) = try snapshots(c)
            let middle = snapshots[snapshots.count / 2]
            var resumed = try Simulation(configuration: c, data: Self.data(),
                                         resumingFrom: try SimulationCheckpoint(json: middle.checkpoint.json()), circuit: middle.circuit)
            XCTAssertEqual(try resumed.run().finalCircuit, summary.finalCircuit, "\(rule)")
            // Feedback that is fixed or follows W is rebuilt from the seed when a file does not hold it.
            var bare = middle.circuit
            bare.feedback = [:]
            if rule.learnsFeedback {
                XCTAssertThrowsError(try Simulation(configuration: c, data: Self.data(), resumingFrom: middle.checkpoint, circuit: bare))
            } else {
                var rebuilt = try Simulation(configuration: c, data: Self.data(), resumingFrom: middle.checkpoint, circuit: bare)
                XCTAssertEqual(try rebuilt.run().finalCircuit, summary.finalCircuit, "\(rule), feedback rebuilt")
            }
        }
    }
}
