import SelfAssemble

/// The names of the run file that the reader looks up. The layout itself (every group,
/// dataset and attribute with its type, shape and storage) is declared once, in
/// RunLayout+Declaration.swift, from these names; docs/hdf5-format.md describes it.
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
        /// While a run that replaces a file is written beside it (FILE.partial): the name of
        /// that file. Removed when the run completes and is renamed over it.
        public static let replaces = "replaces"
        /// The BLAS library, core type and thread count that computed the run (``BLASKernel/summary``).
        public static let blas = "blas"
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
    /// /feedback/NAME: the feedback projections the learning rule owns (``Circuit/feedback``:
    /// B_l, Bdirect_l, R_l, Q_l, c_l, ...), one matrix per snapshot. Absent for rules without
    /// any and in files written before it existed.
    public static let feedback = "feedback"

    public enum Feedback {
        /// Attribute of /feedback: the names of its datasets, comma-separated, in storage order.
        public static let projections = "projections"
    }
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

    /// /data: what the circuit's inputs were. Attribute `normalization` (zscore, minmax, none or
    /// pixels); datasets `feature_offset` and `feature_scale` (float32, length n_0: input =
    /// (raw - feature_offset) / feature_scale, in the units of the data file, statistics of the
    /// training split) and `classes_present` (int32, the labels with training samples,
    /// ascending). Files written before it existed have no /data.
    public enum DataRecord {
        public static let group = "data"
        public static let normalization = "normalization"
        public static let featureOffset = "feature_offset"
        public static let featureScale = "feature_scale"
        public static let classesPresent = "classes_present"
        public static let description = "input = (raw - feature_offset) / feature_scale, per feature of the data file; statistics of the training split"
    }

    public enum Snapshots {
        public static let step = "step"
        public static let phase = "phase"
        public static let epoch = "epoch"
        /// The `labels` attribute of /snapshots/phase, e.g. `0=development,1=learning`.
        public static var phaseLabels: String { RunLayout.phases.map { "\($0.code)=\($0.name)" }.joined(separator: ",") }
    }

    /// The phases a run goes through, in the order they come, with the code stored in
    /// /snapshots/phase: the engine's phases, so that a new phase is stored, labelled and
    /// validated without a change here.
    public static var phases: [(code: UInt8, name: String)] {
        Phase.allCases.sorted { $0.order < $1.order }.map { ($0.code, storedName($0)) }
    }

    /// A phase's name in the `labels` attribute. Code 0 was "development" in files written
    /// before the descending stage existed; readers accept that name too (``legacyPhaseNames``).
    static func storedName(_ phase: Phase) -> String {
        switch phase {
        case .reciprocalStage: "development (reciprocal stage)"
        case .descendingStage: "development (descending stage)"
        case .learning: "learning"
        }
    }

    /// Names of phase codes in older files: "0=development,1=learning" (model version 1).
    static let legacyPhaseNames: [UInt8: String] = [0: "development"]

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
}
