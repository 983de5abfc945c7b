import SelfAssemble

/// One motif or task metric stored in /metrics: its name, what it means, its documented range
/// and how a snapshot gives its value. The metrics' part of the layout declaration.
struct MetricDeclaration {
    var name: String
    /// The level of a per-level metric (its `level` attribute); nil for circuit-wide metrics.
    var level: Int?
    /// The `description` attribute: what a value means, in words.
    var description: String
    /// The range of a bounded metric (cosines and fractions), checked by the validator.
    var range: ClosedRange<Double>?
    var value: (Snapshot) -> Double
}

extension RunLayout {
    /// The per-level metrics of level `level`, in storage order (model.md, "Monitors").
    static func levelMetrics(level l: Int) -> [MetricDeclaration] {
        func motif(_ s: Snapshot) -> LevelMotifMetrics? { s.motif.first { $0.level == l } }
        func metric(_ base: String, _ description: String, _ range: ClosedRange<Double>?,
                    _ value: @escaping (LevelMotifMetrics) -> Double?) -> MetricDeclaration {
            MetricDeclaration(name: "\(base)_\(l)", level: l, description: description, range: range) { s in
                motif(s).flatMap(value) ?? .nan
            }
        }
        var metrics = [metric("reciprocity", "cos(V_l, Vbar_l^T), cosine similarity in [-1, 1]", -1...1) { $0.reciprocity }]
        if l >= 2 {
            metrics.append(metric("descending", "cos(Wbar_l V_l, W_l^T), cosine similarity in [-1, 1]", -1...1) { $0.descending })
        }
        return metrics + [
            metric("alignment_H", "cos(dW_l, -H_l grad W_l) on the probe batch, in [-1, 1]", -1...1) { $0.alignmentH },
            metric("alignment_bp", "cos(dW_l, -grad W_l) on the probe batch, in [-1, 1]", -1...1) { $0.alignmentBP },
            metric("H_eig_min", "smallest eigenvalue of H_l = Vbar_l Vbar_l^T", nil) { $0.spectrum.smallest },
            metric("H_eig_max", "largest eigenvalue of H_l = Vbar_l Vbar_l^T", nil) { $0.spectrum.largest },
            metric("H_effective_rank", "effective rank of H_l: exp of the entropy of its normalised eigenvalues (1 ... n_l)", nil) {
                $0.spectrum.effectiveRank
            },
        ]
    }

    /// The circuit-wide metrics, stored after the per-level ones.
    static var globalMetrics: [MetricDeclaration] { [
        MetricDeclaration(name: "train_loss", level: nil,
                          description: "mean training loss over the current epoch so far (NaN during development)",
                          range: nil) { $0.trainLoss },
        MetricDeclaration(name: "train_accuracy", level: nil,
                          description: "fraction correct over the current epoch's training batches so far (NaN during development)",
                          range: 0...1) { $0.trainAccuracy },
        MetricDeclaration(name: "test_accuracy", level: nil,
                          description: "fraction of the test set classified correctly by the circuit at this snapshot",
                          range: 0...1) { $0.testAccuracy },
    ] }

    /// Every metric of a circuit with `levels` levels, in storage order.
    static func metrics(levels: Int) -> [MetricDeclaration] {
        (1...max(levels, 1)).flatMap { levelMetrics(level: $0) } + globalMetrics
    }

    /// The per-level metrics in the order they are stored, e.g. `reciprocity_2`.
    public static func levelMetricNames(level: Int) -> [String] { levelMetrics(level: level).map(\.name) }

    /// The circuit-wide metrics, after the per-level ones.
    public static var globalMetricNames: [String] { globalMetrics.map(\.name) }

    /// Every metric of a circuit with `levels` levels, in storage order.
    public static func metricNames(levels: Int) -> [String] { metrics(levels: levels).map(\.name) }
}
