/// The two phases of a run, in the order that matters: without development first the circuit
/// does not learn.
public enum Phase: String, Sendable, Codable, CaseIterable {
    /// Spontaneous activity, no task input; only V and Vbar change.
    case development
    /// The task: minibatches from the training set; the learning rule trains the circuit.
    case learning

    /// The code stored in run files.
    public var code: UInt8 { self == .development ? 0 : 1 }
}
