import SelfAssemble

/// The names of the run file: every group, dataset and attribute the writer creates and the
/// reader looks up. Kept in one place so that the two cannot drift apart, and so that
/// docs/hdf5-format.md has a single source to be checked against.
public enum RunLayout {
    /// Value of the root attribute `format`: what says "this HDF5 file is a selfassemble run".
    public static let format = "selfassemble-run"
    /// Value of the root attribute `format_version`. Raise it when a change would make an
    /// older reader misread a file (a renamed or retyped dataset); additions keep it.
    public static let formatVersion = 1

    public enum Root {
        public static let format = "format"
        public static let formatVersion = "format_version"
        public static let softwareVersion = "software_version"
        public static let seed = "seed"
        public static let configuration = "configuration"
        public static let data = "data"
        public static let status = "status"
        public static let created = "created"
        public static let finished = "finished"
        public static let levels = "levels"
        /// The circuit definition as YAML (Connectomes/ format), when the run has one.
        public static let connectome = "connectome"
    }

    public enum Status {
        /// Being written, or killed while it was (then `selfassemble simulate --resume` continues it).
        public static let running = "running"
        /// Stopped by SIGINT or SIGTERM after writing a snapshot at the step it had reached.
        public static let interrupted = "interrupted"
        public static let complete = "complete"
    }

    /// /resume/checkpoint: one JSON checkpoint (SimulationCheckpoint) per snapshot.
    public enum Resume {
        public static let group = "resume"
        public static let checkpoint = "checkpoint"
    }

    public static let populations = "populations"
    public static let projections = "projections"
    public static let biases = "biases"
    public static let snapshots = "snapshots"
    public static let metrics = "metrics"
    public static let assembly = "assembly"
    public static let summary = "summary"
    public static let comparison = "comparison"
    /// The backpropagation comparison lives in /comparison/bp.
    public static let comparisonBP = "bp"
    /// bp at its best weight decay from a grid lives in /comparison/bp_tuned (attributes
    /// `weight_decay`, the chosen lambda, and `weight_decay_grid`, the lambdas tried).
    public static let comparisonTunedBP = "bp_tuned"

    public enum Snapshots {
        public static let step = "step"
        public static let phase = "phase"
        public static let epoch = "epoch"
        /// The codes of ``Phase``: 0 and 1 keep their meaning from version 1's files.
        public static let phaseLabels = "0=development (reciprocal stage),1=learning,2=development (descending stage)"
        /// The labels of files written before the descending stage existed.
        public static let phaseLabelsVersion1 = "0=development,1=learning"
    }

    public enum Assembly {
        public static let onsetStep = "onset_step"
        /// Stored in onset_step where the motif did not assemble.
        public static let notAssembled: Int64 = -1
    }

    public enum Summary {
        public static let testAccuracyByEpoch = "test_accuracy_by_epoch"
        public static let finalTestAccuracy = "final_test_accuracy"
        public static let finalTrainAccuracy = "final_train_accuracy"
        public static let steps = "steps"
        public static let rule = "rule"
        /// The step at which learning diverged and the run stopped; -1 for a run that went to the end.
        public static let divergedAtStep = "diverged_at_step"
        /// Of /comparison/bp_tuned: the chosen weight decay, and the grid it was chosen from.
        public static let weightDecay = "weight_decay"
        public static let weightDecayGrid = "weight_decay_grid"
    }

    /// `b_l`, the bias of U_l.
    public static func biasName(level: Int) -> String { "b_\(level)" }

    /// The per-level metrics in the order they are stored, e.g. `reciprocity_2`.
    public static func levelMetricNames(level: Int) -> [String] {
        var names = ["reciprocity_\(level)"]
        if level >= 2 { names.append("descending_\(level)") }
        names += ["alignment_H_\(level)", "alignment_bp_\(level)",
                  "H_eig_min_\(level)", "H_eig_max_\(level)", "H_effective_rank_\(level)"]
        return names
    }

    /// The circuit-wide metrics, after the per-level ones.
    public static let globalMetricNames = ["train_loss", "train_accuracy", "test_accuracy"]

    /// Every metric of a circuit with `levels` levels, in storage order.
    public static func metricNames(levels: Int) -> [String] {
        (1...max(levels, 1)).flatMap { levelMetricNames(level: $0) } + globalMetricNames
    }

    /// The metric values of one snapshot, in the order of ``metricNames(levels:)``.
    static func metricValues(_ snapshot: Snapshot) -> [Double] {
        snapshot.motif.sorted { $0.level < $1.level }.flatMap { m -> [Double] in
            var values = [m.reciprocity]
            if m.level >= 2 { values.append(m.descending ?? .nan) }
            values += [m.alignmentH, m.alignmentBP, m.spectrum.smallest, m.spectrum.largest, m.spectrum.effectiveRank]
            return values
        } + [snapshot.trainLoss, snapshot.trainAccuracy, snapshot.testAccuracy]
    }

    /// One line per metric for the `description` attribute: what a value means, in words.
    static func metricDescription(_ name: String) -> String {
        let base = name.split(separator: "_").dropLast().joined(separator: "_")
        switch name.hasSuffix("_loss") || name.hasSuffix("_accuracy") ? name : base {
        case "reciprocity": return "cos(V_l, Vbar_l^T), cosine similarity in [-1, 1]"
        case "descending": return "cos(Wbar_l V_l, W_l^T), cosine similarity in [-1, 1]"
        case "alignment_H": return "cos(dW_l, -H_l grad W_l) on the probe batch, in [-1, 1]"
        case "alignment_bp": return "cos(dW_l, -grad W_l) on the probe batch, in [-1, 1]"
        case "H_eig_min": return "smallest eigenvalue of H_l = Vbar_l Vbar_l^T"
        case "H_eig_max": return "largest eigenvalue of H_l = Vbar_l Vbar_l^T"
        case "H_effective_rank": return "effective rank of H_l: exp of the entropy of its normalised eigenvalues (1 ... n_l)"
        case "train_loss": return "mean training loss over the current epoch so far (NaN during development)"
        case "train_accuracy": return "fraction correct over the current epoch's training batches so far (NaN during development)"
        case "test_accuracy": return "fraction of the test set classified correctly by the circuit at this snapshot"
        default: return ""
        }
    }
}
