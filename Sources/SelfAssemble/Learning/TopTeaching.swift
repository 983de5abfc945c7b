/// What teaches the top level's basal synapses W_L (model.md, "Plasticity").
public enum TopTeaching: String, Sendable, Codable, CaseIterable {
    /// Version 2 (the default): U_L learns from its apical input a_L = Vbar_L g_L like every
    /// other level, so dW_L = -eta H_L grad_{W_L} and W_L's update matches Wbar_L's.
    case apical
    /// Version 1 (an ablation): the error module's e trains W_L directly (dW_L = -eta grad),
    /// while Wbar_L still learns from g_L = V_L e; descending_L then settles near 0.8.
    case error
}
