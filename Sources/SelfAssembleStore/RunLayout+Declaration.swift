import Foundation
import SelfAssemble

/// The layout declaration of the run file: every group, dataset and attribute, with its type,
/// shape, storage, what the writer stores in it and when, and what the validator checks.
/// RunWriter creates and fills the file from it, `RunWriter(resuming:)` reopens and cuts its
/// per-snapshot datasets from it, and RunValidator checks a file against it. To add a group or
/// dataset, add it here (and describe it in docs/hdf5-format.md).
extension RunLayout {
    static let statuses = [Status.running, Status.interrupted, Status.complete]

    /// The layout of a run with this shape (levels and sizes; unknown sizes skip the checks
    /// that need them).
    static func declaration(_ shape: RunShape) -> LayoutGroup {
        // Without levels the circuit's groups cannot be declared: they are known but not examined.
        func circuit(_ name: String, presence: LayoutPresence = .always, _ group: () -> LayoutGroup) -> LayoutGroup {
            shape.levels >= 1 ? group() : LayoutGroup(name: name, presence: presence, acceptedAsIs: true)
        }
        return LayoutGroup(name: "/", attributes: rootAttributes, groups: [
            dataGroup(inputs: shape.n(0)),
            circuit(populations) { populationsGroup(shape) }, circuit(projections) { projectionsGroup(shape) },
            circuit(biases) { biasesGroup(shape) }, circuit(feedback, presence: .optional) { feedbackGroup(shape) },
            snapshotsGroup, circuit(metrics) { metricsGroup(levels: shape.levels) },
            resumeGroup, circuit(assembly) { assemblyGroup(levels: shape.levels) },
            outcomeGroup(summary, presence: .whenComplete, rules: RuleKind.allCases.map(\.rawValue)) { $0.circuit },
            LayoutGroup(name: comparison, presence: .optional, holds: "the backpropagation comparison",
                        createdAt: { if case .finish(let outcomes) = $0 { return outcomes.comparison != nil } else { return false } },
                        groups: [
                            outcomeGroup(comparisonBP, presence: .always, rules: ["bp"]) { $0.comparison },
                            outcomeGroup(comparisonTunedBP, presence: .optional, rules: ["bp"],
                                         extra: tunedAttributes) { $0.tunedComparison?.summary },
                        ]),
        ])
    }

    // MARK: - Root

    static var rootAttributes: [LayoutAttribute] {
        [
            .fixed(Root.format, .string(format)),
            .atCreation(Root.formatVersion, .int32, check: .formatVersion) { _ in .int32(Int32(formatVersion)) },
            .atCreation(Root.softwareVersion, .string) { _ in .string(SelfAssembleVersion.string) },
            .atCreation(Root.seed, .uint64) { .uint64($0.seed) },
            .atCreation(Root.configuration, .string, check: .jsonObject) { .string($0.configurationJSON) },
            .atCreation(Root.data, .string) { .string($0.dataDescription) },
            LayoutAttribute(name: Root.status, type: .string, check: .oneOf(statuses)) { moment in
                switch moment {
                case .creation: return .string(Status.running)
                case .finish: return .string(Status.complete)
                case .snapshot: return nil
                }
            },
            .atCreation(Root.created, .string, check: .iso8601) { _ in .string(RunWriter.now()) },
            LayoutAttribute(name: Root.finished, type: .string, presence: .whenComplete, check: .iso8601) { moment in
                if case .finish = moment { return .string(RunWriter.now()) }
                return nil
            },
            .atCreation(Root.levels, .int32, check: .integer(1...10_000, expected: "a number of levels >= 1")) {
                .int32(Int32(clamping: $0.architecture.levels))
            },
            LayoutAttribute(name: Root.connectome, type: .string, presence: .optional) { moment in
                if case .creation(let metadata) = moment { return metadata.connectome.map(AttributeValue.string) }
                return nil
            },
            LayoutAttribute(name: Root.replaces, type: .string, presence: .optional) { moment in
                if case .creation(let metadata) = moment { return metadata.replaces.map(AttributeValue.string) }
                return nil
            },
            // Bit-identical results need the same kernel and thread count as well as the same seed.
            LayoutAttribute(name: Root.blas, type: .string, presence: .optional) { moment in
                if case .creation = moment {
                    return .string(BLASKernel.current(environment: ProcessInfo.processInfo.environment).summary)
                }
                return nil
            },
        ]
    }

    // MARK: - Data

    /// /data: what the circuit's inputs were, known at creation (the normalization fitted on the
    /// training split, and the classes present). Optional: files written before it have none.
    private static func dataGroup(inputs n0: Int?) -> LayoutGroup {
        func record(_ moment: LayoutMoment) -> (normalization: FeatureNormalization, classes: [Int])? {
            guard case .creation(let metadata) = moment, let normalization = metadata.normalization,
                  let classes = metadata.classesPresent else { return nil }
            return (normalization, classes)
        }
        func perFeature(_ name: String, check: DatasetCheck, _ values: @escaping (FeatureNormalization) -> [Float]) -> LayoutDataset {
            LayoutDataset(name: name, type: .float32, shape: .fixed([n0]), storage: .contiguous, check: check) { moment in
                record(moment).map { .float32(values($0.normalization)) }
            }
        }
        return LayoutGroup(
            name: DataRecord.group, presence: .optional, holds: "what the inputs were",
            createdAt: { record($0) != nil },
            attributes: [
                LayoutAttribute(name: DataRecord.normalization, type: .string, check: .oneOf(Normalization.allCases.map(\.rawValue))) { moment in
                    record(moment).map { .string($0.normalization.method.rawValue) }
                },
                .description(DataRecord.description),
            ],
            datasets: [
                perFeature(DataRecord.featureOffset, check: .none) { $0.offset },
                perFeature(DataRecord.featureScale, check: .range(Double(Float.leastNonzeroMagnitude)...Double(Float.greatestFiniteMagnitude),
                                                                 what: "(0, 3.4e38]: a scale is a number > 0")) { $0.scale },
                LayoutDataset(name: DataRecord.classesPresent, type: .int32, shape: .fixed([nil]), storage: .contiguous,
                              check: .classNumbers) { moment in
                    record(moment).map { .int32($0.classes.map { Int32(clamping: $0) }) }
                },
            ])
    }

    // MARK: - Circuit

    static func populationNames(levels: Int) -> [(stream: SelfAssemble.Stream, level: Int, name: String)] {
        (0...levels).map { (.upstream, $0, "U_\($0)") } + (1...max(levels, 1)).map { (.downstream, $0, "D_\($0)") }
    }

    private static func populationsGroup(_ shape: RunShape) -> LayoutGroup {
        LayoutGroup(name: RunLayout.populations, groups: populationNames(levels: shape.levels).map { population in
            LayoutGroup(name: population.name, attributes: [
                .fixed("stream", .string(population.stream.rawValue)),
                .fixed("level", .int32(Int32(clamping: population.level))),
                .atCreation("size", .int32, check: .integer(1...Int64(Int32.max), expected: "a number of cells >= 1")) { _ in
                    shape.size(of: population.stream, level: population.level).map { .int32(Int32(clamping: $0)) }
                },
                .fixed("compartments", .string(Compartment.allCases.map(\.rawValue).joined(separator: ","))),
            ])
        })
    }

    /// Source, target and compartment of a projection (model.md, "Circuit").
    static func endpoints(_ kind: ProjectionKind, level l: Int) -> (source: Population, target: Population, compartment: Compartment) {
        func U(_ level: Int) -> Population { Population(stream: .upstream, level: level, size: 0) }
        func D(_ level: Int) -> Population { Population(stream: .downstream, level: level, size: 0) }
        switch kind {
        case .W: return (U(l - 1), U(l), .basal)
        case .V: return (U(l), D(l), .basal)
        case .Vbar: return (D(l), U(l), .apical)
        case .Wbar: return (D(l), U(l - 1), .apical)
        }
    }

    /// The projections in the model's order: W_1, V_1, Vbar_1, W_2, V_2, Vbar_2, Wbar_2, ...
    static func projectionKinds(levels: Int) -> [(kind: ProjectionKind, level: Int)] {
        (1...max(levels, 1)).flatMap { l in ProjectionKind.allCases.filter { l >= $0.firstLevel }.map { ($0, l) } }
    }

    private static func projectionsGroup(_ shape: RunShape) -> LayoutGroup {
        LayoutGroup(name: RunLayout.projections, datasets: projectionKinds(levels: shape.levels).map { kind, l in
            let (source, target, compartment) = endpoints(kind, level: l)
            let rows = shape.size(of: target.stream, level: target.level), cols = shape.size(of: source.stream, level: source.level)
            let name = kind.name(level: l)
            return LayoutDataset(
                name: name, type: .float32, shape: .perSnapshot(trailing: [rows, cols]),
                storage: .oneSnapshotPerChunk(compressible: true),
                attributes: [
                    .fixed("source", .string(source.name)), .fixed("target", .string(target.name)),
                    .fixed("compartment", .string(compartment.rawValue)), .fixed("kind", .string(kind.rawValue)),
                    .fixed("level", .int32(Int32(clamping: l))), .fixed("axes", .string("snapshot,target,source")),
                ],
                check: .weights
            ) { moment in
                guard case .snapshot(let snapshot) = moment else { return nil }
                guard let weights = snapshot.circuit.weights(kind, level: l), weights.rows == rows, weights.cols == cols else {
                    throw StoreError("the snapshot has no \(rows.map(String.init) ?? "?")x\(cols.map(String.init) ?? "?") matrix for \(name)")
                }
                return .float32(weights.values)
            }
        })
    }

    private static func biasesGroup(_ shape: RunShape) -> LayoutGroup {
        LayoutGroup(name: RunLayout.biases, datasets: (1...max(shape.levels, 1)).map { l in
            LayoutDataset(
                name: biasName(level: l), type: .float32, shape: .perSnapshot(trailing: [shape.n(l)]),
                storage: .oneSnapshotPerChunk(compressible: true),
                attributes: [.fixed("target", .string("U_\(l)")), .fixed("level", .int32(Int32(clamping: l))),
                             .fixed("axes", .string("snapshot,target"))],
                check: .weights
            ) { moment in
                guard case .snapshot(let snapshot) = moment else { return nil }
                return .float32(snapshot.circuit[l].b)
            }
        })
    }

    /// /feedback: every feedback projection of the rule (``RunShape/feedback``), stored like the
    /// circuit's own projections. Optional: rules without feedback, and files written before it.
    private static func feedbackGroup(_ shape: RunShape) -> LayoutGroup {
        LayoutGroup(
            name: RunLayout.feedback, presence: .optional, holds: "the rule's feedback projections",
            createdAt: { $0.isCreation && !shape.feedback.isEmpty },
            attributes: [
                .description("the feedback projections the learning rule owns (docs/hdf5-format.md), one matrix per snapshot: target cells x source cells"),
                // What the group must hold: a dataset lost from it is then named by the validator.
                .atCreation(Feedback.projections, .string) { _ in .string(shape.feedback.map(\.name).joined(separator: ",")) },
            ],
            datasets: shape.feedback.map { entry in
                LayoutDataset(
                    name: entry.name, type: .float32, shape: .perSnapshot(trailing: [entry.rows, entry.cols]),
                    storage: .oneSnapshotPerChunk(compressible: true),
                    attributes: feedbackAttributes(entry.name, levels: shape.levels),
                    check: .weights
                ) { moment in
                    guard case .snapshot(let snapshot) = moment else { return nil }
                    guard let m = snapshot.circuit.feedback[entry.name], m.rows == entry.rows, m.cols == entry.cols else {
                        let size = "\(entry.rows.map(String.init) ?? "?")x\(entry.cols.map(String.init) ?? "?")"
                        throw StoreError("the snapshot has no \(size) feedback projection \(entry.name)")
                    }
                    return .float32(m.values)
                }
            })
    }

    /// What a feedback projection's name says (``FeedbackProjection``): endpoints, level, role
    /// and meaning; a name no rule of this version uses gets only its kind and level, if it has one.
    private static func feedbackAttributes(_ name: String, levels: Int) -> [LayoutAttribute] {
        guard let projection = FeedbackProjection(name: name, levels: levels) else {
            guard let (kind, level) = FeedbackProjection.split(name) else { return [] }
            return [.fixed("kind", .string(kind)), .fixed("level", .int32(Int32(clamping: level)))]
        }
        let target = "U_\(projection.targetLevel)"
        var attributes: [LayoutAttribute] = projection.sourceLevel.map { [.fixed("source", .string("U_\($0)"))] } ?? []
        attributes += [
            .fixed("target", .string(target)), .fixed("kind", .string(projection.kind)),
            .fixed("level", .int32(Int32(clamping: projection.level))), .fixed("role", .string(projection.role.rawValue)),
            .fixed("axes", .string(projection.sourceLevel == nil ? "snapshot,1,target" : "snapshot,target,source")),
            .description(projection.meaning),
        ]
        return attributes
    }

    // MARK: - Per-snapshot records

    /// Scalar series: 256 values per chunk.
    static let scalarChunk = 256

    private static func scalarSeries(_ name: String, _ type: StoredType, attributes: [LayoutAttribute], check: DatasetCheck,
                                     countsSnapshots: Bool = false,
                                     _ value: @escaping (Snapshot) throws -> LayoutValues) -> LayoutDataset {
        LayoutDataset(name: name, type: type, shape: .perSnapshot(trailing: []), storage: .entriesPerChunk(scalarChunk),
                      attributes: attributes, check: check, countsSnapshots: countsSnapshots) { moment in
            guard case .snapshot(let snapshot) = moment else { return nil }
            return try value(snapshot)
        }
    }

    private static var snapshotsGroup: LayoutGroup {
        LayoutGroup(name: snapshots, datasets: [
            scalarSeries(Snapshots.step, .int64, attributes: [.description("updates applied before the snapshot (0: the random initial circuit)")],
                         check: .snapshotSteps, countsSnapshots: true) { .int64([Int64($0.step)]) },
            scalarSeries(Snapshots.phase, .uint8,
                         attributes: [.atCreation("labels", .string, check: .phaseLabels) { _ in .string(Snapshots.phaseLabels) }],
                         check: .phases) { .uint8([$0.phase.code]) },
            scalarSeries(Snapshots.epoch, .int32, attributes: [.description("learning epochs completed before the snapshot")],
                         check: .nonDecreasingCount) { .int32([Int32(clamping: $0.epoch)]) },
        ])
    }

    private static func metricsGroup(levels: Int) -> LayoutGroup {
        LayoutGroup(name: metrics, datasets: metrics(levels: levels).map { metric in
            var attributes = [LayoutAttribute.description(metric.description)]
            if let level = metric.level { attributes.append(.fixed("level", .int32(Int32(clamping: level)))) }
            let check = metric.range.map { DatasetCheck.range($0, what: "the metric's range [\($0.lowerBound), \($0.upperBound)]") }
            return scalarSeries(metric.name, .float64, attributes: attributes, check: check ?? .none) { .float64([metric.value($0)]) }
        })
    }

    /// /resume/checkpoint: what continues the run exactly, one JSON text per snapshot. Optional
    /// for the validator (a run without it cannot be continued, but reads fine).
    private static var resumeGroup: LayoutGroup {
        LayoutGroup(name: Resume.group, presence: .optional, acceptedAsIs: true, datasets: [
            LayoutDataset(
                name: Resume.checkpoint, type: .string, shape: .perSnapshot(trailing: []), storage: .entriesPerChunk(16),
                attributes: [.description("per snapshot, the JSON checkpoint (generators, data order, detector, accumulators) that with the snapshot's weights continues the run exactly")]
            ) { moment in
                guard case .snapshot(let snapshot) = moment else { return nil }
                do {
                    return .string(try snapshot.checkpoint.json())
                } catch {
                    throw StoreError("cannot encode the checkpoint of step \(snapshot.step): \(error)")
                }
            },
        ])
    }

    // MARK: - Outcome

    private static func assemblyGroup(levels: Int) -> LayoutGroup {
        func threshold(_ name: String, _ value: @escaping (AssemblyThresholds) -> Double) -> LayoutAttribute {
            .atCreation(name, .float64) { .float64(value($0.thresholds)) }
        }
        return LayoutGroup(name: assembly, datasets: [
            LayoutDataset(
                name: Assembly.onsetStep, type: .int64, shape: .fixed([levels]), storage: .contiguous,
                attributes: [
                    threshold("reciprocity") { $0.reciprocity }, threshold("descending") { $0.descending },
                    threshold("alignment_H") { $0.alignmentH },
                    .atCreation("consecutive", .int32, check: .integer(1...Int64(Int32.max), expected: "K >= 1")) {
                        .int32(Int32(clamping: $0.thresholds.consecutive))
                    },
                    .description("step of the first of K consecutive snapshots passing every threshold, per level 1...L; -1: did not assemble"),
                ],
                check: .onsetSteps
            ) { moment in
                switch moment {
                case .creation: return .int64([Int64](repeating: Assembly.notAssembled, count: levels))
                case .finish(let outcomes):
                    guard outcomes.circuit.onsets.count == levels else {
                        throw StoreError("the summary has \(outcomes.circuit.onsets.count) onsets, the circuit has \(levels) levels")
                    }
                    return .int64(outcomes.circuit.onsets.map { $0.map(Int64.init) ?? Assembly.notAssembled })
                case .snapshot: return nil
                }
            },
        ])
    }

    /// Of /comparison/bp_tuned: the weight decay bp did best with, and the grid it was chosen from.
    private static var tunedAttributes: [LayoutAttribute] {
        func attribute(_ name: String, _ type: StoredType, _ value: @escaping (TunedBackprop) -> AttributeValue) -> LayoutAttribute {
            LayoutAttribute(name: name, type: type) { moment in
                guard case .finish(let outcomes) = moment, let tuned = outcomes.tunedComparison else { return nil }
                return value(tuned)
            }
        }
        return [
            // The float32 decay's shortest decimal, so h5py shows 0.0003, not 0.0003000000142492354.
            attribute(Summary.weightDecay, .float64) { .float64(Double("\($0.weightDecay)") ?? Double($0.weightDecay)) },
            attribute(Summary.weightDecayGrid, .string) { .string($0.grid.map { "\($0)" }.joined(separator: ",")) },
        ]
    }

    /// /summary, /comparison/bp and /comparison/bp_tuned: a run's outcome, written when it finishes.
    private static func outcomeGroup(_ name: String, presence: LayoutPresence, rules: [String], extra: [LayoutAttribute] = [],
                                     _ select: @escaping (RunOutcomes) -> SimulationSummary?) -> LayoutGroup {
        func attribute(_ name: String, _ type: StoredType, check: AttributeCheck = .none,
                       _ value: @escaping (SimulationSummary) -> AttributeValue) -> LayoutAttribute {
            LayoutAttribute(name: name, type: type, check: check) { moment in
                guard case .finish(let outcomes) = moment, let summary = select(outcomes) else { return nil }
                return value(summary)
            }
        }
        return LayoutGroup(
            name: name, presence: presence, holds: "the run's outcome",
            createdAt: { if case .finish(let outcomes) = $0 { return select(outcomes) != nil } else { return false } },
            attributes: [
                attribute(Summary.finalTestAccuracy, .float64) { .float64($0.finalTestAccuracy) },
                attribute(Summary.finalTrainAccuracy, .float64) { .float64($0.finalTrainAccuracy) },
                attribute(Summary.steps, .int64, check: .integer(0...Int64.max, expected: "0 or more")) { .int64(Int64($0.steps)) },
                attribute(Summary.rule, .string, check: .oneOf(rules)) { .string($0.rule.rawValue) },
                attribute(Summary.divergedAtStep, .int64, check: .integer(-1...Int64.max, expected: "-1 (no divergence) or a step")) {
                    .int64(Int64($0.divergedAtStep ?? -1))
                },
            ] + extra,
            datasets: [
                LayoutDataset(name: Summary.testAccuracyByEpoch, type: .float64, shape: .fixed([nil]), storage: .contiguous,
                              check: .range(0...1, what: "[0, 1]")) { moment in
                    guard case .finish(let outcomes) = moment, let summary = select(outcomes) else { return nil }
                    return .float64(summary.testAccuracyByEpoch)
                },
            ])
    }
}
