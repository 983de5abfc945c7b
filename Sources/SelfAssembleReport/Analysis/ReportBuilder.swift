import Foundation
import SelfAssemble
import SelfAssembleStore

extension MotifReport {
    /// Makes the report of a run file: re-runs the assembly detection on the stored metrics,
    /// and measures the anatomy at the key snapshots (start, end of the reciprocal stage, end of
    /// development, end).
    ///
    /// Streams: only the per-snapshot series and, one level of one key snapshot at a time,
    /// that level's four projections are read, so memory does not grow with the number of
    /// snapshots. Works on incomplete files (status `running`): it reports the completed
    /// snapshots and says so.
    ///
    /// - Parameter progress: told, in words, what is being done (for a progress line); the
    ///   analysis itself prints nothing.
    /// - Throws: `StoreError` for a file that is not a run or is damaged, `ReportError` for bad
    ///   options or contents that contradict the layout.
    public static func make(from reader: RunReader, options: ReportOptions = ReportOptions(),
                            progress: (String) -> Void = { _ in }) throws -> MotifReport {
        let options = try options.validated()
        let path = reader.path
        guard reader.snapshotCount > 0 else {
            throw ReportError("\(path) holds no completed snapshot yet (status '\(reader.status)'): nothing to report; run the report again once the run has written its first snapshot")
        }
        let architecture = try reader.architecture()
        let L = architecture.levels
        let steps = try reader.steps()
        let phases = try reader.phases()
        let epochs = try reader.epochs()
        for i in steps.indices.dropFirst() where steps[i] <= steps[i - 1] {
            throw ReportError("/snapshots/step in \(path) is not strictly increasing (snapshot \(i): step \(steps[i]) after \(steps[i - 1])): the file is damaged")
        }
        let timeline = Timeline(steps: steps, phases: phases.map(\.rawValue), epochs: epochs)

        // Metric series and the assembly detection on them.
        let trajectories = try reader.metricNames().map { name in
            MetricSeries(name: name, level: Self.level(ofMetric: name),
                         values: try reader.metric(name).map { $0.isFinite ? $0 : nil })
        }
        let levelSeries = try (1...L).map { l in
            LevelMetricSeries(level: l, reciprocity: try reader.metric("reciprocity_\(l)"),
                              descending: l >= 2 ? try reader.metric("descending_\(l)") : nil,
                              alignmentH: try reader.metric("alignment_H_\(l)"))
        }
        let fileOnsets = try reader.onsets()
        guard fileOnsets.count == L else {
            throw ReportError("/assembly/onset_step in \(path) has \(fileOnsets.count) values for \(L) levels: the file is damaged")
        }
        let fileAssembly = FileAssembly(thresholds: try reader.thresholds(), onsetSteps: fileOnsets)
        let assembly = AssemblyDetection.detect(steps: steps, levels: levelSeries, thresholds: options.thresholds,
                                                fileOnsets: reader.isComplete ? fileOnsets : [], phases: timeline.phases)

        let run = try describe(reader, architecture: architecture, lastStep: steps.last!)
        let seed = options.seed ?? reader.seed
        let keys = keySnapshots(timeline, isComplete: reader.isComplete)

        // The anatomy, one level of one key snapshot at a time.
        var levels = [LevelReport]()
        var heatmaps = [GramHeatmap]()
        for l in 1...L {
            var motifs = [LevelMotifStatistics]()
            var spectra = [SingularSpectrum]()
            var correlations = [GramSummary]()
            for key in keys {
                progress("level \(l), step \(key.step) (\(key.words)): strongest synapses, \(options.nullSamples) null samples, spectra")
                let weights = try levelWeights(reader, architecture: architecture, level: l, snapshot: key.snapshot, step: key.step)
                motifs.append(LevelAnatomy.analyse(weights, snapshot: key.snapshot, step: key.step, roles: key.roles,
                                                   topPercent: options.topPercent, nullSamples: options.nullSamples,
                                                   seed: seed, zThreshold: options.zThreshold))
                for (kind, matrix) in [(ProjectionKind.W, weights.W), (.Vbar, weights.Vbar)] {
                    let name = kind.name(level: l)
                    spectra.append(SingularSpectrum(projection: name, snapshot: key.snapshot, step: key.step, weights: matrix))
                    let (summary, heatmap) = GramView.make(projection: name, level: l, snapshot: key.snapshot, step: key.step,
                                                           weights: matrix, maxCells: options.heatmapMaxCells)
                    correlations.append(summary)
                    if key.roles.contains(.start) || key.roles.contains(.end) { heatmaps.append(heatmap) }
                }
            }
            levels.append(LevelReport(level: l, name: run.levelNames?[l - 1], assembly: assembly[l - 1],
                                      motifs: motifs, spectra: spectra, correlations: correlations))
        }

        var report = MotifReport(
            run: run,
            options: ResolvedReportOptions(thresholds: options.thresholds, topPercent: options.topPercent,
                                           nullSamples: options.nullSamples, seed: seed, zThreshold: options.zThreshold),
            fileAssembly: fileAssembly, timeline: timeline, keySnapshots: keys, levels: levels,
            trajectories: trajectories, warnings: [])
        report.heatmaps = heatmaps
        report.warnings = warnings(report)
        return report
    }

    /// Start, end of the reciprocal stage, end of development (the last development snapshot,
    /// of either stage) and end (the last completed snapshot), merged when they fall on the same
    /// snapshot: in a run without a descending stage (model version 1) the reciprocal stage
    /// ends where development ends.
    ///
    /// A stage has ended when a later snapshot exists (phases come in order, so it belongs to a
    /// later phase) or the run is complete. The latest snapshot of an incomplete run stopped
    /// inside a stage is only its end: the stage itself may have gone on.
    static func keySnapshots(_ timeline: Timeline, isComplete: Bool) -> [KeySnapshot] {
        let last = timeline.steps.count - 1
        func ended(_ snapshot: Int?) -> Int? { snapshot.flatMap { $0 < last || isComplete ? $0 : nil } }
        var roles: [(Int, SnapshotRole)] = [(0, .start)]
        if let reciprocal = ended(timeline.endOfReciprocalStage) { roles.append((reciprocal, .endOfReciprocalStage)) }
        if let development = ended(timeline.endOfDevelopment) { roles.append((development, .endOfDevelopment)) }
        roles.append((last, .end))
        var keys = [KeySnapshot]()
        for (index, role) in roles {
            if let i = keys.firstIndex(where: { $0.snapshot == index }) {
                keys[i].roles.append(role)
            } else {
                keys.append(KeySnapshot(snapshot: index, step: timeline.steps[index], phase: timeline.phases[index],
                                        epoch: timeline.epochs[index], roles: [role]))
            }
        }
        return keys
    }

    /// `reciprocity_2` -> 2; `train_loss` -> nil.
    static func level(ofMetric name: String) -> Int? {
        guard let underscore = name.lastIndex(of: "_") else { return nil }
        return Int(name[name.index(after: underscore)...])
    }

    /// One level's projections at a snapshot, checked against the populations' sizes.
    static func levelWeights(_ reader: RunReader, architecture: Architecture, level l: Int, snapshot: Int, step: Int) throws -> LevelWeights {
        func read(_ kind: ProjectionKind) throws -> Matrix? {
            guard let projection = architecture.projection(kind, level: l) else { return nil }
            let m = try reader.weights(projection.name, snapshot: snapshot)
            guard m.rows == projection.rows && m.cols == projection.cols else {
                throw ReportError("/projections/\(projection.name) in \(reader.path) is \(m.rows)x\(m.cols), but its populations make it \(projection.rows)x\(projection.cols): the file is damaged")
            }
            guard m.isFinite else {
                throw ReportError("/projections/\(projection.name) in \(reader.path) holds weights that are not finite at snapshot \(snapshot) (step \(step)): the file is damaged")
            }
            return m
        }
        return LevelWeights(level: l, W: try read(.W)!, V: try read(.V)!, Vbar: try read(.Vbar)!, Wbar: try read(.Wbar))
    }

    static func describe(_ reader: RunReader, architecture: Architecture, lastStep: Int) throws -> RunDescription {
        let configuration = (try? JSONSerialization.jsonObject(with: Data(reader.configurationJSON.utf8))) as? [String: Any]
        let names = (configuration?["levelNames"] as? [String]).flatMap { $0.count == architecture.levels ? $0 : nil }
        let summary = try reader.summary()
        let bp = try reader.comparison()
        let tuned = try reader.tunedComparison()
        return RunDescription(
            path: reader.path, status: reader.status, isComplete: reader.isComplete,
            formatVersion: reader.formatVersion, softwareVersion: reader.softwareVersion, seed: reader.seed,
            created: reader.created, data: reader.dataDescription,
            upstreamSizes: architecture.upstreamSizes, downstreamSizes: architecture.downstreamSizes,
            levelNames: names, developmentSteps: configuration?["developmentSteps"] as? Int,
            descendingSteps: configuration?["descendingSteps"] as? Int,
            snapshots: reader.snapshotCount, lastStep: lastStep,
            finalTestAccuracy: summary.map(\.finalTestAccuracy).flatMap(finite),
            finalTrainAccuracy: summary.map(\.finalTrainAccuracy).flatMap(finite),
            bpFinalTestAccuracy: bp.map(\.finalTestAccuracy).flatMap(finite),
            bpTunedFinalTestAccuracy: tuned.map(\.outcome.finalTestAccuracy).flatMap(finite),
            bpTunedWeightDecay: tuned?.weightDecay,
            divergedAtStep: summary?.divergedAtStep)
    }

    private static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    /// What the reader must know before trusting the numbers.
    static func warnings(_ report: MotifReport) -> [String] {
        var warnings = [String]()
        let run = report.run
        if !run.isComplete {
            warnings.append("The run is incomplete (status '\(run.status)': still being written, or interrupted): this report covers its \(run.snapshots) completed snapshots, up to step \(run.lastStep); a level reported as not assembled may still assemble, and the file's own onsets are not written yet.")
        }
        if let step = run.divergedAtStep {
            let largest = report.levels.compactMap { $0.motifs(at: .end)?.kept.map(\.largestMagnitude).max() }.max() ?? 0
            warnings.append("Learning diverged at step \(step) and the run stopped there: the last snapshot holds the last finite weights of a runaway circuit (largest |weight| \(Format.significant(largest))); its anatomy describes the runaway, not a trained circuit.")
        }
        if report.timeline.endOfDevelopment == nil {
            warnings.append("The run has no development phase: there is no end-of-development snapshot.")
        }
        if report.fileAssembly.thresholds != report.options.thresholds {
            let t = report.fileAssembly.thresholds
            warnings.append("The run's own detector used other thresholds (reciprocity \(Format.short(t.reciprocity)), descending \(Format.short(t.descending)), alignment_H \(Format.short(t.alignmentH)), K = \(t.consecutive)) than this report: the file's onsets can differ from the report's.")
        } else if run.isComplete {
            for level in report.levels where level.assembly.onsetStep != level.assembly.fileOnsetStep {
                warnings.append("Level \(level.level): the file records onset \(level.assembly.fileOnsetStep.map(String.init) ?? "none") but its stored metrics give \(level.assembly.onsetStep.map(String.init) ?? "none") with the same thresholds: the file is inconsistent.")
            }
        }
        let small = report.levels.filter { $0.motifs.contains(where: \.smallCounts) }.map { String($0.level) }
        if !small.isEmpty {
            warnings.append("Level\(small.count > 1 ? "s" : "") \(small.joined(separator: ", ")): fewer than 10 reciprocal pairs or four-synapse motifs are expected under the null, so the null is far from normal and the z-scores there say little.")
        }
        return warnings
    }
}
