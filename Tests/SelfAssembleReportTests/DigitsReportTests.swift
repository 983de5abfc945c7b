import Foundation
import SelfAssembleReport
import SelfAssembleStore
import XCTest

/// Acceptance on the engine's digits configuration (seed 7): the report shows assembly at
/// every level during the descending stage of development; reciprocal pairs over-represented
/// from the end of the reciprocal stage, four-synapse motifs from the end of development (the
/// descending stage builds them), and neither at the start.
final class DigitsReportTests: XCTestCase {
    /// One report of the shared digits run per test process (with 30 null samples, the default).
    private static let report: Result<MotifReport, Error> = Result {
        try MotifReport.make(from: try RunReader(path: try SharedRuns.digits()))
    }

    private func report() throws -> MotifReport { try Self.report.get() }

    func testAssemblyAtEveryLevelAgreesWithTheFile() throws {
        let report = try report()
        XCTAssertEqual(report.levels.count, 3)
        let reader = try RunReader(path: try SharedRuns.digits())
        let fileOnsets = try reader.onsets()
        for level in report.levels {
            let onset = try XCTUnwrap(level.assembly.onsetStep, "level \(level.level) assembled")
            // Model version 2: the descending stage (steps 3000-5000) completes the motif.
            XCTAssertGreaterThan(onset, 3000, "descending consistency needs the descending stage (level \(level.level))")
            XCTAssertLessThanOrEqual(onset, 5000, "the motif assembles before learning (level \(level.level))")
            XCTAssertEqual(level.assembly.onsetPhase, "descending-stage")
            XCTAssertNil(level.assembly.shortfall)
            // Same thresholds as the run: the report's detection reproduces the engine's.
            XCTAssertEqual(onset, fileOnsets[level.level - 1])
            XCTAssertEqual(level.assembly.fileOnsetStep, fileOnsets[level.level - 1])
            let snapshot = try XCTUnwrap(level.assembly.onsetSnapshot)
            XCTAssertEqual(report.timeline.steps[snapshot], onset)
        }
        XCTAssertTrue(report.run.isComplete)
        XCTAssertEqual(report.keySnapshots.map(\.roles), [[.start], [.endOfReciprocalStage], [.endOfDevelopment], [.end]])
        XCTAssertEqual(report.keySnapshot(.endOfReciprocalStage)?.step, 3000)
        XCTAssertEqual(report.keySnapshot(.endOfReciprocalStage)?.phase, "reciprocal-stage")
        XCTAssertEqual(report.keySnapshot(.endOfDevelopment)?.step, 5000, "the end of all development, not of its first stage")
        XCTAssertEqual(report.keySnapshot(.endOfDevelopment)?.phase, "descending-stage")
        XCTAssertEqual(report.keySnapshot(.end)?.step, report.run.lastStep)
    }

    func testMotifOverRepresentedStageByStage() throws {
        let report = try report()
        for level in report.levels {
            let start = try XCTUnwrap(level.motifs(at: .start)), end = try XCTUnwrap(level.motifs(at: .end))
            let reciprocal = try XCTUnwrap(level.motifs(at: .endOfReciprocalStage))
            let development = try XCTUnwrap(level.motifs(at: .endOfDevelopment))
            // Reciprocal pairs: at chance in the random circuit, built by the reciprocal stage. (The
            // top level, 10 x 20 cells, expects about one chance pair: its z-scores are only checked
            // through the verdict, which also needs the count to beat every null sample.)
            if !start.smallCounts { XCTAssertLessThan(abs(start.reciprocalPairs.z ?? 99), 4, "level \(level.level) start") }
            XCTAssertGreaterThan(reciprocal.reciprocalPairs.z ?? 0, 10, "level \(level.level) after the reciprocal stage")
            XCTAssertTrue(reciprocal.reciprocalPairsOverRepresented, "level \(level.level) after the reciprocal stage")
            XCTAssertGreaterThan(development.reciprocalPairs.z ?? 0, 10, "level \(level.level) after development")
            XCTAssertGreaterThan(end.reciprocalPairs.z ?? 0, 10, "level \(level.level) end")
            XCTAssertTrue(development.motifOverRepresented, "level \(level.level) after development")
            XCTAssertTrue(end.motifOverRepresented, "level \(level.level) end")
            XCTAssertFalse(start.motifOverRepresented, "level \(level.level) start")
            guard level.level >= 2 else {
                XCTAssertNil(end.fourSynapseMotifs, "level 1 has no Wbar")
                continue
            }
            let fourStart = try XCTUnwrap(start.fourSynapseMotifs), fourEnd = try XCTUnwrap(end.fourSynapseMotifs)
            if !start.smallCounts { XCTAssertLessThan(abs(fourStart.signed.z ?? 99), 4, "level \(level.level) four-synapse start") }
            XCTAssertFalse(start.fourSynapseMotifsOverRepresented ?? true, "level \(level.level) four-synapse start")
            XCTAssertGreaterThan(fourEnd.signed.z ?? 0, 10, "level \(level.level) four-synapse end")
            // The reciprocal stage builds the pairs, not the motif: W and Wbar have not changed yet,
            // so the loops through the pairs close with random signs.
            let fourReciprocal = try XCTUnwrap(reciprocal.fourSynapseMotifs)
            XCTAssertFalse(reciprocal.fourSynapseMotifsOverRepresented ?? true, "level \(level.level) four-synapse after the reciprocal stage")
            XCTAssertFalse(reciprocal.motifOverRepresented, "level \(level.level) after the reciprocal stage")
            XCTAssertLessThan(fourReciprocal.positive, 2 * fourReciprocal.negative, "level \(level.level): signs at chance after the reciprocal stage")
            // The descending stage completes it, before any task input: positive cycles dominate.
            let fourDevelopment = try XCTUnwrap(development.fourSynapseMotifs)
            XCTAssertGreaterThan(fourDevelopment.signed.z ?? 0, 10, "level \(level.level) four-synapse after development")
            XCTAssertGreaterThan(fourDevelopment.positive, 3 * fourDevelopment.negative)
            XCTAssertGreaterThan(fourEnd.positive, 3 * fourEnd.negative)
        }
        // V and Vbar change only in the reciprocal stage (eta_V = 0 in learning), and the null's
        // relabellings are shared between the snapshots of a level: the pair statistics at the
        // end of each stage and at the end are the same numbers.
        for level in report.levels {
            XCTAssertEqual(level.motifs(at: .endOfReciprocalStage)?.reciprocalPairs, level.motifs(at: .endOfDevelopment)?.reciprocalPairs)
            XCTAssertEqual(level.motifs(at: .endOfDevelopment)?.reciprocalPairs, level.motifs(at: .end)?.reciprocalPairs)
        }
        // Level 2, the reference level of docs/model.md: the numbers are large, not marginal
        // (measured: four-synapse z 2.5 after the reciprocal stage, 327 after development, 339 at the end).
        let two = report.levels[1]
        XCTAssertGreaterThan(two.motifs(at: .endOfReciprocalStage)?.reciprocalPairs.z ?? 0, 100)
        XCTAssertLessThan(abs(two.motifs(at: .endOfReciprocalStage)?.fourSynapseMotifs?.signed.z ?? 99), 4)
        XCTAssertGreaterThan(two.motifs(at: .endOfDevelopment)?.fourSynapseMotifs?.signed.z ?? 0, 100)
        XCTAssertGreaterThan(two.motifs(at: .end)?.fourSynapseMotifs?.signed.z ?? 0, 100)
        XCTAssertFalse(two.motifs.contains(where: \.smallCounts), "level 2 has enough synapses for z-scores")
    }

    func testFigureThreeViewsAndSpectra() throws {
        let report = try report()
        for level in report.levels {
            XCTAssertEqual(Set(level.spectra.map(\.projection)), ["W_\(level.level)", "Vbar_\(level.level)"])
            XCTAssertEqual(level.spectra.count, 2 * report.keySnapshots.count)
            for spectrum in level.spectra {
                XCTAssertEqual(spectrum.values, spectrum.values.sorted(by: >), "largest first")
                XCTAssertGreaterThan(spectrum.effectiveRank, 1)
            }
            // Vbar's effective rank is the stored H_effective_rank.
            for key in report.keySnapshots {
                let stored = try XCTUnwrap(report.trajectories.first { $0.name == "H_effective_rank_\(level.level)" }?.values[key.snapshot] ?? nil)
                let vbar = try XCTUnwrap(level.spectra.first { $0.projection == "Vbar_\(level.level)" && $0.snapshot == key.snapshot })
                XCTAssertEqual(vbar.effectiveRank, stored, accuracy: 1e-3 * stored)
            }
        }
        // W_2 becomes effectively lower-rank and its cells more correlated with learning.
        let two = report.levels[1]
        let first = try XCTUnwrap(two.spectra.first { $0.projection == "W_2" && $0.snapshot == 0 })
        let last = try XCTUnwrap(two.spectra.first { $0.projection == "W_2" && $0.snapshot == report.run.snapshots - 1 })
        XCTAssertLessThan(last.effectiveRank, first.effectiveRank)
        let heatmaps = report.heatmaps.filter { $0.level == 2 }
        XCTAssertEqual(heatmaps.count, 4, "Vbar_2 and W_2 at the first and last snapshot")
        XCTAssertTrue(heatmaps.allSatisfy { $0.side == 128 && $0.stride == 1 })
    }

    func testCommandLineWritesMarkdownJSONAndFigures() throws {
        let run = try SharedRuns.digits()
        let out = try Scratch.directory() + "/report"
        let result = try CLI.run(["report", run, "--out", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        // The terminal summary.
        XCTAssertTrue(result.stdout.contains("motif report: \(run)"), result.stdout)
        for l in 1...3 {
            XCTAssertTrue(result.stdout.contains("level \(l): assembled at step"), result.stdout)
        }
        XCTAssertEqual(result.stdout.components(separatedBy: ", during the descending stage of development").count - 1, 3, result.stdout)
        XCTAssertTrue(result.stdout.contains("development: reciprocal stage steps 0 to 3000 (snapshot 30), descending stage steps 3000 to 5000 (snapshot 50)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("z at start / end of reciprocal stage / end of development / end:"), result.stdout)
        XCTAssertTrue(result.stdout.contains("motif over-represented at: end of development, end"), result.stdout)
        XCTAssertTrue(result.stdout.contains("written: \(out)/report.md"), result.stdout)
        // The files.
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        var expected: Set<String> = ["report.md", "report.json", "accuracy.svg", "effective-rank.svg"]
        for l in 1...3 { expected.formUnion(["trajectories-level-\(l).svg", "gram-level-\(l).svg", "spectra-level-\(l).svg"]) }
        XCTAssertEqual(files, expected)
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        for figure in expected where figure.hasSuffix(".svg") {
            XCTAssertTrue(markdown.contains("](\(figure))"), "report.md shows \(figure)")
        }
        // The JSON decodes and holds the same numbers as the library's report (same seed, same file).
        let decoded = try ReportJSON.decode(try Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
        let report = try report()
        XCTAssertEqual(decoded.levels.map(\.motifs), report.levels.map(\.motifs))
        XCTAssertEqual(decoded.levels.map(\.assembly), report.levels.map(\.assembly))
        // The onsets' phases and the stage-by-stage z-scores are in both.
        XCTAssertEqual(decoded.levels.map(\.assembly.onsetPhase), ["descending-stage", "descending-stage", "descending-stage"])
        XCTAssertEqual(decoded.keySnapshots.map(\.roles), [[.start], [.endOfReciprocalStage], [.endOfDevelopment], [.end]])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any])
        XCTAssertEqual(json["schema_version"] as? Int, 2)
        let roles = (json["key_snapshots"] as? [[String: Any]])?.compactMap { ($0["roles"] as? [String])?.joined(separator: "+") }
        XCTAssertEqual(roles, ["start", "end_of_reciprocal_stage", "end_of_development", "end"])
        XCTAssertTrue(markdown.contains("| development | reciprocal stage steps 0 to 3000 (snapshot 30), descending stage steps 3000 to 5000 (snapshot 50) |"), markdown)
        XCTAssertTrue(markdown.contains("| 2 | assembled at step \(report.levels[1].assembly.onsetStep!), during the descending stage of development |"), markdown)
        XCTAssertTrue(markdown.contains("| level | count | start (step 0) | end of reciprocal stage (step 3000) | end of development (step 5000) | end (step \(report.run.lastStep)) |"), markdown)
        let two = report.levels[1].motifs.map { Format.z($0.fourSynapseMotifs?.signed.z) }.joined(separator: " | ")
        XCTAssertTrue(markdown.contains("| 2 | four-synapse motifs | \(two) |"), markdown)
        // Every z-score of the JSON is printed in the Markdown table.
        for level in report.levels {
            for m in level.motifs {
                XCTAssertTrue(markdown.contains("| \(level.level) | \(m.roles.map(\.words).joined(separator: " = ")) | \(m.step) | \(m.reciprocalPairs.observed) |"),
                              "the Markdown lists level \(level.level) at step \(m.step)")
                XCTAssertTrue(markdown.contains("| \(Format.z(m.reciprocalPairs.z)) |"))
                if let four = m.fourSynapseMotifs { XCTAssertTrue(markdown.contains("| \(Format.z(four.signed.z)) |")) }
            }
        }
    }

    func testJSONOnStdoutAndDeterminism() throws {
        let run = try SharedRuns.digits()
        let first = try CLI.run(["report", run, "--json", "--null-samples", "5"])
        let second = try CLI.run(["report", run, "--json", "--null-samples", "5"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, second.stdout, "the same file and seed give the same report")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["schema"] as? String, "selfassemble-motif-report")
        let options = try XCTUnwrap(object["options"] as? [String: Any])
        XCTAssertEqual(options["null_samples"] as? Int, 5)
        XCTAssertEqual(options["seed"] as? Int, 7, "the run's seed by default")
        XCTAssertTrue(first.stderr.contains("motif report:"), "the summary goes to stderr with --json")
        let other = try CLI.run(["report", run, "--json", "--null-samples", "5", "--seed", "8"])
        XCTAssertNotEqual(other.stdout, first.stdout, "another seed draws other null samples")
    }

    func testReportThresholdsAreOptions() throws {
        let run = try SharedRuns.digits()
        var options = quickOptions()
        options.thresholds.descending = 0.99
        let strict = try MotifReport.make(from: try RunReader(path: run), options: options)
        XCTAssertEqual(strict.levels[0].assembly.onsetStep, try report().levels[0].assembly.onsetStep, "level 1 has no descending metric")
        // Descending consistency reaches 0.99 later in the descending stage than 0.5 (measured:
        // levels 2 and 3 at steps 4000 and 4300 against 3500 and 3300), still before learning.
        for (level, usual) in zip(strict.levels.dropFirst(), try report().levels.dropFirst()) {
            let onset = try XCTUnwrap(level.assembly.onsetStep, "level \(level.level)")
            XCTAssertGreaterThan(onset, try XCTUnwrap(usual.assembly.onsetStep), "level \(level.level)")
            XCTAssertLessThanOrEqual(onset, 5000)
            XCTAssertEqual(level.assembly.onsetPhase, "descending-stage")
            XCTAssertEqual(level.assembly.fileOnsetStep, usual.assembly.onsetStep, "the file's own onset is reported beside it")
        }
        XCTAssertTrue(strict.warnings.contains { $0.contains("other thresholds") })
        let result = try CLI.run(["report", run, "--descending-threshold", "0.99", "--null-samples", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("level 2: assembled at step \(strict.levels[1].assembly.onsetStep!), during the descending stage of development"), result.stdout)
        // A threshold no snapshot reaches: not assembled, naming the metric that stayed short.
        options.thresholds.consecutive = 1
        options.thresholds.reciprocity = 1
        let impossible = try MotifReport.make(from: try RunReader(path: run), options: options)
        for level in impossible.levels where level.assembly.onsetStep == nil {
            XCTAssertEqual(level.assembly.shortfall?.metric, "reciprocity", "level \(level.level)")
        }
    }
}
