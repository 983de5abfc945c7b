import Foundation

/// A rate nonlinearity. The upstream stream uses relu below the top level by default (the top
/// level is linear: its rates are the logits; identity everywhere gives the linear network of
/// the paper's ablations); the downstream activation phi is the identity by default (the only
/// choice that keeps dW_l = -eta H_l grad exact), with tanh and relu as options.
public enum Activation: String, Sendable, Codable, CaseIterable {
    case identity
    case relu
    case tanh

    public func apply(_ x: Float) -> Float {
        switch self {
        case .identity: x
        case .relu: max(x, 0)
        case .tanh: Foundation.tanh(x)
        }
    }

    public func apply(_ m: inout Matrix) {
        switch self {
        case .identity: return
        case .relu: m.apply { max($0, 0) }
        case .tanh: m.apply { Foundation.tanh($0) }
        }
    }
}

extension Activation {
    /// f'(z) entry by entry: the gate of a cell's apical input by its somatic state
    /// (for relu, 1 where z > 0: coincidence of apical input and somatic activity).
    public func gate(_ z: Matrix) -> Matrix {
        var g = z
        switch self {
        case .identity: g.apply { _ in 1 }
        case .relu: g.apply { $0 > 0 ? 1 : 0 }
        case .tanh: g.apply { let t = Foundation.tanh($0); return 1 - t * t }
        }
        return g
    }

    /// `x ⊙= f'(z)` in one pass, without building the gate matrix: the same products as
    /// `x.multiplyElementwise(by: gate(z))`, entry for entry.
    public func multiplyByGate(_ x: inout Matrix, of z: Matrix) {
        precondition(x.rows == z.rows && x.cols == z.cols, "shape mismatch in the gate")
        z.values.withUnsafeBufferPointer { zs in
            x.values.withUnsafeMutableBufferPointer { xs in
                switch self {
                case .identity: return
                case .relu: for i in xs.indices { xs[i] *= zs[i] > 0 ? 1 : 0 }
                case .tanh: for i in xs.indices { let t = Foundation.tanh(zs[i]); xs[i] *= 1 - t * t }
                }
            }
        }
    }
}
