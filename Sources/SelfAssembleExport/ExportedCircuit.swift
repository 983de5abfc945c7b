import SelfAssemble
import SelfAssembleStore

/// One snapshot of a run, as the exporters need it: the architecture, every projection's
/// matrix, and the synapses that pass the weight threshold.
///
/// Rows of a stored matrix are target cells and columns source cells, so the synapse of entry
/// [r, c] goes from source cell c to target cell r. Synapses are listed projection by
/// projection in the model's order, and within a projection row by row (by target cell, then
/// source cell): every edge population of a SONATA export is therefore sorted by target node
/// id, which keeps its target index one range per node.
public struct ExportedCircuit: Sendable {
    /// A synapse kept by the threshold: matrix entry [target, source].
    public struct Synapse: Equatable, Sendable {
        public var target: Int
        public var source: Int
        public var weight: Float
    }

    public let runPath: String
    public let architecture: Architecture
    public let snapshotIndex: Int
    public let step: Int
    /// Synapses with |weight| >= threshold are exported (0: every entry of the dense matrices).
    public let threshold: Float
    /// Every projection with its matrix at the snapshot, in the model's order.
    public let projections: [(projection: Projection, weights: Matrix)]
    /// The rule's feedback pathways at the snapshot (B_l, Bdirect_l, Q_l: ``FeedbackProjection``
    /// with role pathway), in the file's order; empty for rules without any and for files
    /// written before they were stored. Magnitudes (R_l) and biases (c_l) are not synapses and
    /// are not exported; names this version does not describe neither (they stay in the run file).
    public let feedback: [(projection: FeedbackProjection, source: Population, target: Population, weights: Matrix)]

    public var nodeIDs: NodeIDs { NodeIDs(architecture: architecture) }

    /// Reads the snapshot `selection` of the run that `reader` has open.
    public init(reader: RunReader, selection: SnapshotSelection, threshold: Double) throws {
        guard threshold.isFinite && threshold >= 0 else {
            throw ExportError("--threshold must be a finite number >= 0 (a weight magnitude), got \(threshold)")
        }
        runPath = reader.path
        let steps = try reader.steps()
        let index = try selection.resolve(steps: steps, file: reader.path)
        snapshotIndex = index
        step = steps[index]
        self.threshold = Float(threshold)
        let architecture = try reader.architecture()
        self.architecture = architecture
        projections = try architecture.projections.map { projection in
            let weights = try reader.weights(projection.name, snapshot: index)
            guard weights.rows == projection.rows && weights.cols == projection.cols else {
                throw ExportError("\(reader.path): /projections/\(projection.name) is \(weights.rows) x \(weights.cols), the populations say \(projection.rows) x \(projection.cols); the file is damaged (check it with 'selfassemble validate')")
            }
            return (projection, weights)
        }
        let upstream = architecture.populations.filter { $0.stream == .upstream }
        feedback = try reader.feedbackNames().compactMap { name in
            guard let projection = FeedbackProjection(name: name, levels: architecture.levels), projection.role == .pathway,
                  let sourceLevel = projection.sourceLevel else { return nil }
            let weights = try reader.feedback(name, snapshot: index)
            let shape = projection.shape(upstreamSizes: architecture.upstreamSizes)
            guard weights.rows == shape.rows && weights.cols == shape.cols else {
                throw ExportError("\(reader.path): /feedback/\(name) is \(weights.rows) x \(weights.cols), the populations say \(shape.rows) x \(shape.cols); the file is damaged (check it with 'selfassemble validate')")
            }
            return (projection, upstream[sourceLevel], upstream[projection.targetLevel], weights)
        }
    }

    /// The name of a feedback pathway's edge population (SONATA) and edge kind (CSV), e.g.
    /// `feedback_B` for B_2, B_3, ...: the rule's feedback apart from the circuit's own W, V, Vbar, Wbar.
    public static func feedbackPopulation(_ projection: FeedbackProjection) -> String { "feedback_" + projection.kind }

    /// Every exported set of edges in order (the circuit's projections, then the rule's
    /// feedback pathways): edge population (SONATA) or kind (CSV), name, level, endpoints,
    /// compartment ("none" for feedback, which the model does not place on a compartment) and matrix.
    public var edgeSets: [EdgeSet] {
        projections.map {
            EdgeSet(population: $0.projection.kind.rawValue, name: $0.projection.name, kind: $0.projection.kind.rawValue,
                    level: $0.projection.level, source: $0.projection.source, target: $0.projection.target,
                    compartment: $0.projection.compartment.rawValue, weights: $0.weights)
        } + feedback.map {
            EdgeSet(population: Self.feedbackPopulation($0.projection), name: $0.projection.name, kind: $0.projection.kind,
                    level: $0.projection.level, source: $0.source, target: $0.target, compartment: "none", weights: $0.weights)
        }
    }

    /// The edge populations in order of first appearance (W, V, Vbar, Wbar, then feedback_B, ...).
    public var edgePopulations: [String] {
        var seen = Set<String>()
        return edgeSets.map(\.population).filter { seen.insert($0).inserted }
    }

    /// The kept synapses of one matrix, row by row.
    public func synapses(_ weights: Matrix) -> [Synapse] {
        var kept = [Synapse]()
        kept.reserveCapacity(threshold == 0 ? weights.count : weights.count / 4)
        for r in 0..<weights.rows {
            for c in 0..<weights.cols {
                let w = weights.values[r * weights.cols + c]
                // Threshold 0 keeps every entry, even a NaN one, so that the export is the matrix.
                if threshold == 0 || abs(w) >= threshold {
                    kept.append(Synapse(target: r, source: c, weight: w))
                }
            }
        }
        return kept
    }

    /// The projections of one kind (one SONATA edge population), by level.
    public func projections(of kind: ProjectionKind) -> [(projection: Projection, weights: Matrix)] {
        projections.filter { $0.projection.kind == kind }
    }

    /// One projection as exported edges (see ``edgeSets``).
    public struct EdgeSet: Sendable {
        public var population: String
        public var name: String
        public var kind: String
        public var level: Int
        public var source: Population
        public var target: Population
        public var compartment: String
        public var weights: Matrix
    }
}
