import Foundation

/// A rate nonlinearity. The upstream stream uses relu below the top level (the top level is
/// linear: its rates are the logits); the downstream activation phi is the identity by default
/// (the only choice that keeps dW_l = -eta H_l grad exact), with tanh and relu as options.
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

/// relu'(z): 1 where z > 0, else 0. The gate of the apical input by the cell's somatic state.
@inline(__always)
func reluGate(_ z: Matrix) -> Matrix {
    var gate = z
    gate.apply { $0 > 0 ? 1 : 0 }
    return gate
}
