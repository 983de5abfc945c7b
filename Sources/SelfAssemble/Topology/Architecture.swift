import Foundation

/// The groups and projections of a circuit: L levels with upstream widths n_0 ... n_L and
/// downstream widths m_l = round(r_l n_l). Nothing here holds weights; ``Circuit`` does.
public struct Architecture: Equatable, Sendable, Codable {
    /// n_0 (input size) ... n_L (output size, the number of classes).
    public let upstreamSizes: [Int]
    /// m_1 ... m_L.
    public let downstreamSizes: [Int]

    /// Number of levels L.
    public var levels: Int { upstreamSizes.count - 1 }

    /// - Parameters:
    ///   - sizes: n_0 ... n_L, at least two entries, all positive.
    ///   - ratios: the downstream ratio r_l >= 1 of each level (one value is used for all).
    public init(sizes: [Int], ratios: [Double]) throws {
        guard sizes.count >= 2 else {
            throw ConfigurationError("sizes needs at least two entries (input and output), got \(sizes.count)")
        }
        if let bad = sizes.first(where: { $0 <= 0 }) {
            throw ConfigurationError("sizes must be positive integers, got \(bad)")
        }
        let levels = sizes.count - 1
        guard ratios.count == 1 || ratios.count == levels else {
            throw ConfigurationError("ratio needs one value or one per level (\(levels)), got \(ratios.count)")
        }
        if let bad = ratios.first(where: { !($0 >= 1) || !$0.isFinite }) {
            throw ConfigurationError("ratio must be a number >= 1 (the downstream stream is at least as wide as the upstream one), got \(bad)")
        }
        upstreamSizes = sizes
        downstreamSizes = try (1...levels).map { l in
            let r = ratios.count == 1 ? ratios[0] : ratios[l - 1]
            let m = (r * Double(sizes[l])).rounded()
            // A ratio such as 1e300 (or a huge n_l) gives an m_l that no Int holds; converting it would trap.
            guard m < Double(1 << 53) else {
                throw ConfigurationError("ratio \(r) x \(sizes[l]) cells at level \(l) gives \(m) downstream cells, more than can be counted; give a smaller ratio or size")
            }
            return max(1, Int(m))
        }
    }

    public func upstream(_ l: Int) -> Population { Population(stream: .upstream, level: l, size: upstreamSizes[l]) }
    public func downstream(_ l: Int) -> Population { Population(stream: .downstream, level: l, size: downstreamSizes[l - 1]) }

    /// U_0 ... U_L, then D_1 ... D_L.
    public var populations: [Population] {
        (0...levels).map(upstream) + (1...levels).map(downstream)
    }

    /// The projection of a kind at a level (nil for Wbar_1, which does not exist).
    public func projection(_ kind: ProjectionKind, level l: Int) -> Projection? {
        guard l >= kind.firstLevel && l <= levels else { return nil }
        switch kind {
        case .W: return Projection(kind: .W, level: l, source: upstream(l - 1), target: upstream(l), compartment: .basal)
        case .V: return Projection(kind: .V, level: l, source: upstream(l), target: downstream(l), compartment: .basal)
        case .Vbar: return Projection(kind: .Vbar, level: l, source: downstream(l), target: upstream(l), compartment: .apical)
        case .Wbar: return Projection(kind: .Wbar, level: l, source: downstream(l), target: upstream(l - 1), compartment: .apical)
        }
    }

    /// Every projection, level by level in the order W, V, Vbar, Wbar.
    public var projections: [Projection] {
        (1...levels).flatMap { l in ProjectionKind.allCases.compactMap { projection($0, level: l) } }
    }

    /// The number of synapses (weights) of all projections, as a Double: for a circuit far too
    /// large to allocate (a mistyped ratio or size) the count can exceed Int, and it is what
    /// tells the user so before anything is allocated.
    public var synapseCount: Double {
        projections.reduce(0) { $0 + Double($1.rows) * Double($1.cols) }
    }
}

/// A configuration that cannot run, with a message naming the problem and the fix.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
