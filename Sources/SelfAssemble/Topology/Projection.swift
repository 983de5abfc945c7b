/// The four synapse types of the motif. Every level l has a W_l, V_l and Vbar_l;
/// Wbar_l exists from level 2 up (it projects one level down, onto U_{l-1}).
public enum ProjectionKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// U_{l-1} -> U_l, basal: the feedforward computation.
    case W
    /// U_l -> D_l: relays U_l's gated error into the downstream stream.
    case V
    /// D_l -> U_l, apical: the teaching signal that drives plasticity of W_l.
    case Vbar
    /// D_l -> U_{l-1}, apical: descending feedback, one level down.
    case Wbar

    /// The lowest level at which this kind exists.
    public var firstLevel: Int { self == .Wbar ? 2 : 1 }

    /// The name of the projection at a level, e.g. `Vbar_2`.
    public func name(level: Int) -> String { rawValue + "_" + String(level) }
}

/// A projection between two groups: a dense all-to-all synaptic matrix of shape
/// `target.size x source.size` onto one compartment of the target cells.
public struct Projection: Equatable, Hashable, Sendable, Codable {
    public var kind: ProjectionKind
    public var level: Int
    public var source: Population
    public var target: Population
    public var compartment: Compartment

    public var name: String { kind.name(level: level) }
    public var rows: Int { target.size }
    public var cols: Int { source.size }
}
