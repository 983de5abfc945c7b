/// The phases of a run, in the order that matters (model.md, "Plasticity"): development in two
/// stages of spontaneous activity, then learning. Without development first the circuit does
/// not learn.
public enum Phase: String, Sendable, Codable, CaseIterable {
    /// Development, stage 1 (the reciprocal stage): spontaneous activity, no task input; only
    /// V and Vbar change, and Vbar_l turns into V_l^T.
    case reciprocalStage = "reciprocal-stage"
    /// Development, stage 2 (the descending stage): spontaneous activity; V and Vbar stay,
    /// W and Wbar learn from noise with Kolen-Pollack decay, and Wbar_l V_l turns into W_l^T.
    case descendingStage = "descending-stage"
    /// The task: minibatches from the training set; the learning rule trains the circuit.
    case learning

    /// The code stored in run files (/snapshots/phase). 0 and 1 keep their meaning from the
    /// files of version 1, which had one development stage.
    public var code: UInt8 {
        switch self {
        case .reciprocalStage: 0
        case .learning: 1
        case .descendingStage: 2
        }
    }

    /// The phase stored as `code`, nil for an unknown code.
    public init?(code: UInt8) {
        guard let phase = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = phase
    }

    /// The position of the phase in a run: reciprocal stage, descending stage, learning.
    public var order: Int {
        switch self {
        case .reciprocalStage: 0
        case .descendingStage: 1
        case .learning: 2
        }
    }

    /// True for both stages of development.
    public var isDevelopment: Bool { self != .learning }

    /// In words, for summaries and reports: "the reciprocal stage of development".
    public var words: String {
        switch self {
        case .reciprocalStage: "the reciprocal stage of development"
        case .descendingStage: "the descending stage of development"
        case .learning: "learning"
        }
    }
}
