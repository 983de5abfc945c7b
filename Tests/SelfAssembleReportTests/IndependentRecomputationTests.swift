import Foundation
import SelfAssembleReport
import SelfAssembleStore
import XCTest

/// Every number in the report is computed from the file: a separate implementation in
/// Python/numpy (h5py, no selfassemble code) recomputes some from the HDF5 file alone and the
/// report's JSON must agree.
final class IndependentRecomputationTests: XCTestCase {
    /// The recomputation, straight from the definitions in docs/report.md.
    static let script = #"""
    import json, sys
    import h5py
    import numpy as np

    run_path, report_path = sys.argv[1], sys.argv[2]
    report = json.load(open(report_path))
    q = report["options"]["top_percent"]
    t = report["options"]["thresholds"]

    def signed_mask(a):
        # The strongest k = max(1, round(q/100 * size)) entries, ties in row-major order.
        flat = a.ravel()
        k = min(flat.size, max(1, int(np.floor(q / 100.0 * flat.size + 0.5))))
        order = np.lexsort((np.arange(flat.size), -np.abs(flat)))[:k]
        out = np.zeros(flat.size)
        out[order] = np.sign(flat[order])
        return out.reshape(a.shape), k

    def effective_rank(a):
        e = np.linalg.svd(a.astype(np.float64), compute_uv=False) ** 2
        p = e[e > 0] / e.sum()
        return float(np.exp(-(p * np.log(p)).sum()))

    out = {"levels": []}
    with h5py.File(run_path, "r") as f:
        L = int(f.attrs["levels"])
        steps = f["snapshots/step"][:]
        S = len(steps)
        # Onsets: the first of K consecutive snapshots where every metric passes.
        onsets = []
        for l in range(1, L + 1):
            ok = (f[f"metrics/reciprocity_{l}"][:S] >= t["reciprocity"]) & (f[f"metrics/alignment_H_{l}"][:S] >= t["alignment_h"])
            if l >= 2:
                ok &= f[f"metrics/descending_{l}"][:S] >= t["descending"]
            onset, run = None, 0
            for i in range(S):
                run = run + 1 if ok[i] else 0
                if run == t["consecutive"]:
                    onset = int(steps[i - run + 1])
                    break
            onsets.append(onset)
        out["onsets"] = onsets
        # Phase codes: 0 reciprocal stage, 2 descending stage (both development), 1 learning.
        phase = f["snapshots/phase"][:S]
        dev = np.nonzero((phase == 0) | (phase == 2))[0]
        out["end_of_development_step"] = int(steps[dev[-1]]) if len(dev) else None
        reciprocal = np.nonzero(phase == 0)[0]
        out["end_of_reciprocal_stage_step"] = int(steps[reciprocal[-1]]) if len(reciprocal) else None
        for l in range(1, L + 1):
            level = {"level": l, "snapshots": []}
            # The first and last snapshot and the end of each stage of development (the runs
            # compared are complete, so every stage present has ended).
            for s in sorted({0, S - 1} | {int(d[-1]) for d in (dev, reciprocal) if len(d)}):
                get = lambda name: f[f"projections/{name}_{l}"][s]
                V, kV = signed_mask(get("V"))
                Vbar, kVbar = signed_mask(get("Vbar"))
                pairs = (V.T * Vbar) > 0
                entry = {"snapshot": s, "step": int(steps[s]), "reciprocal_pairs": int(pairs.sum()),
                         "kept_V": kV, "kept_Vbar": kVbar}
                n, m = Vbar.shape
                entry["expected_null_pairs"] = float(((V > 0).sum() * (Vbar > 0).sum() + (V < 0).sum() * (Vbar < 0).sum()) / (n * m))
                if l >= 2:
                    W, _ = signed_mask(get("W"))
                    Wbar, _ = signed_mask(get("Wbar"))
                    # Enumerate i, j, k explicitly (no matrix-product shortcut): loop over the pairs.
                    signed, total = 0, 0
                    for j, k in zip(*np.nonzero(pairs)):
                        cycle = W[j, :] * V[k, j] * Wbar[:, k]
                        signed += int(np.sign(cycle).sum())
                        total += int((cycle != 0).sum())
                    entry["four_signed"] = signed
                    entry["four_all"] = total
                Wraw = get("W").astype(np.float64)
                entry["effective_rank_W"] = effective_rank(Wraw)
                entry["effective_rank_Vbar"] = effective_rank(get("Vbar"))
                norms = np.linalg.norm(Wraw, axis=1)
                cos = (Wraw @ Wraw.T) / np.outer(norms, norms)
                entry["mean_abs_cos_W"] = float((np.abs(cos).sum() - np.abs(np.diag(cos)).sum()) / (len(cos) * (len(cos) - 1)))
                entry["largest_singular_W"] = float(np.linalg.svd(Wraw, compute_uv=False)[0])
                level["snapshots"].append(entry)
            out["levels"].append(level)
    print(json.dumps(out))
    """#

    /// A python3 with h5py and numpy ($PYTHON, then python3 on the PATH, then the system's),
    /// installing h5py with pip if none has it, or a skip.
    static func python() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        var candidates = environment["PYTHON"].map { [$0] } ?? []
        candidates += (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        candidates += ["/usr/local/bin/python3", "/usr/bin/python3"]
        let found = candidates.filter { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
        guard let first = found.first else { throw XCTSkip("needs python3 with h5py and numpy") }
        func hasModules(_ python: URL) -> Bool {
            ((try? CLI.run(["-c", "import h5py, numpy"], executable: python))?.status ?? 1) == 0
        }
        if let ready = found.first(where: hasModules) { return ready }
        _ = try? CLI.run(["-m", "pip", "install", "--quiet", "h5py"], executable: first)
        guard hasModules(first) else { throw XCTSkip("needs h5py and numpy for python3 (python3 -m pip install h5py)") }
        return first
    }

    private func recompute(_ run: String, options: ReportOptions) throws -> (MotifReport, [String: Any]) {
        let python = try Self.python()
        let directory = try Scratch.directory()
        let report = try MotifReport.make(from: try RunReader(path: run), options: options)
        let json = directory + "/report.json", script = directory + "/recompute.py"
        try ReportJSON.encode(report).write(to: URL(fileURLWithPath: json))
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        let result = try CLI.run([script, run, json], executable: python)
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (report, object)
    }

    private func compare(_ report: MotifReport, _ python: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws {
        let onsets = try XCTUnwrap(python["onsets"] as? [Any])
        XCTAssertEqual(onsets.map { $0 as? Int }, report.levels.map(\.assembly.onsetStep), "onsets", file: file, line: line)
        XCTAssertEqual(python["end_of_development_step"] as? Int,
                       report.timeline.endOfDevelopment.map { report.timeline.steps[$0] }, file: file, line: line)
        XCTAssertEqual(python["end_of_reciprocal_stage_step"] as? Int,
                       report.timeline.endOfReciprocalStage.map { report.timeline.steps[$0] }, file: file, line: line)
        let levels = try XCTUnwrap(python["levels"] as? [[String: Any]])
        XCTAssertEqual(levels.count, report.levels.count)
        var compared = 0
        for (entry, level) in zip(levels, report.levels) {
            for snapshot in try XCTUnwrap(entry["snapshots"] as? [[String: Any]]) {
                let index = try XCTUnwrap(snapshot["snapshot"] as? Int)
                let at = "level \(level.level), snapshot \(index)"
                let m = try XCTUnwrap(level.motifs.first { $0.snapshot == index }, at)
                XCTAssertEqual(m.step, snapshot["step"] as? Int, at, file: file, line: line)
                XCTAssertEqual(m.reciprocalPairs.observed, snapshot["reciprocal_pairs"] as? Int, "reciprocal pairs, \(at)", file: file, line: line)
                XCTAssertEqual(m.kept.first { $0.projection == "V_\(level.level)" }?.kept, snapshot["kept_V"] as? Int, at, file: file, line: line)
                XCTAssertEqual(m.fourSynapseMotifs?.signed.observed, snapshot["four_signed"] as? Int, "signed four-synapse count, \(at)", file: file, line: line)
                XCTAssertEqual(m.fourSynapseMotifs?.all, snapshot["four_all"] as? Int, "four-synapse motifs, \(at)", file: file, line: line)
                // The null's mean agrees with the exact expectation under relabelling (within 5 standard errors).
                let expected = try XCTUnwrap(snapshot["expected_null_pairs"] as? Double)
                let r = m.reciprocalPairs
                XCTAssertEqual(r.nullMean, expected, accuracy: 5 * r.nullStd / Double(r.samples).squareRoot() + 0.5, "null mean, \(at)", file: file, line: line)
                if let z = r.z { XCTAssertEqual(z, (Double(r.observed) - r.nullMean) / r.nullStd, accuracy: 1e-9, file: file, line: line) }
                for (kind, key) in [("W", "effective_rank_W"), ("Vbar", "effective_rank_Vbar")] {
                    let spectrum = try XCTUnwrap(level.spectra.first { $0.projection == "\(kind)_\(level.level)" && $0.snapshot == index })
                    let value = try XCTUnwrap(snapshot[key] as? Double)
                    XCTAssertEqual(spectrum.effectiveRank, value, accuracy: 1e-3 * value, "effective rank of \(kind), \(at)", file: file, line: line)
                }
                let w = try XCTUnwrap(level.spectra.first { $0.projection == "W_\(level.level)" && $0.snapshot == index })
                let largest = try XCTUnwrap(snapshot["largest_singular_W"] as? Double)
                XCTAssertEqual(w.values[0], largest, accuracy: 1e-4 * largest, file: file, line: line)
                let cosine = try XCTUnwrap(level.correlations.first { $0.projection == "W_\(level.level)" && $0.snapshot == index })
                XCTAssertEqual(cosine.meanAbsCosine, try XCTUnwrap(snapshot["mean_abs_cos_W"] as? Double), accuracy: 1e-4, at, file: file, line: line)
                compared += 1
            }
        }
        XCTAssertEqual(compared, report.keySnapshots.count * report.levels.count, "every key snapshot of every level", file: file, line: line)
        XCTAssertEqual(report.keySnapshots.count, 4, "start, the end of each stage of development, end", file: file, line: line)
    }

    func testSmallSyntheticRun() throws {
        let (report, python) = try recompute(try SharedRuns.small(), options: quickOptions(samples: 20))
        try compare(report, python)
    }

    func testDigitsRun() throws {
        let (report, python) = try recompute(try SharedRuns.digits(), options: quickOptions(samples: 20))
        try compare(report, python)
        XCTAssertTrue(report.levels.allSatisfy { $0.assembly.onsetStep != nil }, "the onsets compared are real ones")
    }

    func testOtherTopPercentAndThresholds() throws {
        var options = quickOptions(samples: 10)
        options.topPercent = 3.5
        options.thresholds.alignmentH = 0.9
        options.thresholds.consecutive = 2
        let (report, python) = try recompute(try SharedRuns.small(), options: options)
        try compare(report, python)
    }
}
