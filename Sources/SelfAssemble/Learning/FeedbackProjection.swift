/// What the name of a feedback projection (``FeedbackName``) says about it: its level, the
/// upstream populations it connects, and so its shape. The run file stores every entry of
/// ``Circuit/feedback`` whatever its name; this description adds the endpoints (for the file's
/// attributes, `inspect` and `export`) of the names the rules use. A name it does not know
/// (a rule added later) is still stored, with its shape taken from the matrix.
public struct FeedbackProjection: Equatable, Sendable {
    /// What the matrix is.
    public enum Role: String, Sendable {
        /// A synaptic pathway from `source` to `target` (B_l, Bdirect_l, Q_l, Qskip_l, and the
        /// one forward pathway, dtp-skip's skip connection S_l: U_{l-2} -> U_l).
        case pathway
        /// Magnitudes of a pathway's weights, not a pathway itself (frSF's R_l, of B_l).
        case magnitudes
        /// A bias of the target cells (c_l of the inverse Q_l, cskip_l of Qskip_l), 1 x n_target.
        case bias
    }

    public let name: String
    /// The name without its level, e.g. `Bdirect` for `Bdirect_2`.
    public let kind: String
    public let level: Int
    /// The upstream level of the source population (U_sourceLevel); nil for a bias.
    public let sourceLevel: Int?
    /// The upstream level of the target population (U_targetLevel).
    public let targetLevel: Int
    public let role: Role
    /// One line for files and listings, e.g. "fixed random feedback replacing W_2^T".
    public let meaning: String

    /// The description of a name, for a circuit of `levels` levels; nil for a name no rule of this
    /// version uses, or a level outside the name's range.
    public init?(name: String, levels L: Int) {
        guard let (kind, l) = Self.split(name) else { return nil }
        let down = (source: Optional(l), target: l - 1)
        switch kind {
        case "B" where l >= 2 && l <= L:
            self.init(name, kind, l, down, .pathway, "feedback U_\(l) -> U_\(l - 1) that carries the error in place of W_\(l)^T")
        case "Bdirect" where l >= 1 && l < L:
            self.init(name, kind, l, (L, l), .pathway, "direct feedback U_\(L) -> U_\(l) that carries the output error to level \(l)")
        case "R" where l >= 2 && l <= L:
            self.init(name, kind, l, down, .magnitudes, "fixed magnitudes |R_\(l)| of B_\(l) (B_\(l) = |R_\(l)| * sign(W_\(l))^T)")
        case "Q" where l >= 2 && l <= L:
            self.init(name, kind, l, down, .pathway, "learned inverse U_\(l) -> U_\(l - 1) of level \(l) (target propagation)")
        case "c" where l >= 2 && l <= L:
            self.init(name, kind, l, (nil, l - 1), .bias, "bias of the inverse Q_\(l), on U_\(l - 1)")
        case "Qskip" where l >= 3 && l <= L:
            self.init(name, kind, l, (l, l - 2), .pathway, "learned skip inverse U_\(l) -> U_\(l - 2) past level \(l - 1) (dtp-skip)")
        case "cskip" where l >= 3 && l <= L:
            self.init(name, kind, l, (nil, l - 2), .bias, "bias of the skip inverse Qskip_\(l), on U_\(l - 2)")
        case "S" where l >= 3 && l <= L:
            self.init(name, kind, l, (l - 2, l), .pathway, "forward skip connection U_\(l - 2) -> U_\(l) into level \(l), beside W_\(l) (dtp-skip)")
        default:
            return nil
        }
    }

    private init(_ name: String, _ kind: String, _ level: Int, _ ends: (source: Int?, target: Int), _ role: Role, _ meaning: String) {
        self.name = name
        self.kind = kind
        self.level = level
        sourceLevel = ends.source
        targetLevel = ends.target
        self.role = role
        self.meaning = meaning
    }

    /// rows x cols (target cells x source cells; 1 x n_target for a bias) from the upstream sizes n_0 ... n_L.
    public func shape(upstreamSizes n: [Int]) -> (rows: Int, cols: Int) {
        guard let sourceLevel else { return (1, n[targetLevel]) }
        return (n[targetLevel], n[sourceLevel])
    }

    /// "Bdirect_2" -> ("Bdirect", 2): the kind and the level after the last underscore.
    public static func split(_ name: String) -> (kind: String, level: Int)? {
        guard let underscore = name.lastIndex(of: "_"), let level = Int(name[name.index(after: underscore)...]), level >= 0 else { return nil }
        return (String(name[..<underscore]), level)
    }

    /// Names in the order files list them: by level, then by kind, then as text.
    public static func ordered(_ names: some Sequence<String>) -> [String] {
        names.sorted { a, b in
            let x = split(a), y = split(b)
            return (x?.level ?? -1, x?.kind ?? a, a) < (y?.level ?? -1, y?.kind ?? b, b)
        }
    }
}
