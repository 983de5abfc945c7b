import Foundation

/// The loss the error module computes on the top level's rates.
public enum Loss: String, Sendable, Codable, CaseIterable {
    /// Softmax cross-entropy; e = p - y.
    case crossEntropy = "cross-entropy"
    /// Half the squared error against the one-hot target; e = z_L - y.
    case meanSquaredError = "mse"

    /// The mean loss of chance: that of the uniform prediction 1/K for every class, K =
    /// `classes`. Cross-entropy: ln K. mse: (1/2)((1 - 1/K)^2 + (K - 1)/K^2) = (1 - 1/K)/2.
    /// The runaway bound of ``DivergenceCheck`` is a multiple of it.
    public func chanceLoss(classes: Int) -> Double {
        let k = Double(max(classes, 2))
        switch self {
        case .crossEntropy: return log(k)
        case .meanSquaredError: return (1 - 1 / k) / 2
        }
    }
}

/// The error module on top of the upstream stream: e = dLoss/dz_L for each sample,
/// divided by the batch size so that updates summed over a batch follow the mean loss.
public struct ErrorSignal: Sendable {
    /// e / B, one row per sample: the error module's output d_L.
    public var error: Matrix
    /// Mean loss over the batch.
    public var loss: Double
    /// Number of samples whose largest logit is the label.
    public var correct: Int

    public init(logits: Matrix, labels: [Int], loss kind: Loss) {
        precondition(labels.count == logits.rows, "one label per sample")
        let b = logits.rows, k = logits.cols
        var e = Matrix(zeros: b, k)
        var total = 0.0
        let choices = logits.argmaxOfRows()
        for r in 0..<b {
            let y = labels[r]
            let best = choices[r]
            switch kind {
            case .crossEntropy:
                let mx = Double(logits[r, best])
                var sum = 0.0
                for c in 0..<k { sum += exp(Double(logits[r, c]) - mx) }
                let logSum = log(sum) + mx
                total += logSum - Double(logits[r, y])
                for c in 0..<k {
                    let p = exp(Double(logits[r, c]) - logSum)
                    e[r, c] = Float((p - (c == y ? 1 : 0)) / Double(b))
                }
            case .meanSquaredError:
                for c in 0..<k {
                    let diff = Double(logits[r, c]) - (c == y ? 1 : 0)
                    total += 0.5 * diff * diff
                    e[r, c] = Float(diff / Double(b))
                }
            }
        }
        error = e
        loss = total / Double(max(b, 1))
        correct = zip(choices, labels).filter { $0 == $1 }.count
    }
}
