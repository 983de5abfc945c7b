/// How the features of a data set are brought to a common scale before they reach the circuit.
///
/// Real measurement tables mix units (a column in 0.1s beside one in 1000s); divided by one
/// common number, every column but the largest is squashed to near zero and neither rule can
/// use it. Per-feature statistics of the training split avoid that; they are computed on the
/// training split only (the test split must not leak into training) and applied to both.
public enum Normalization: String, Codable, CaseIterable, Sendable {
    /// Per feature: subtract the training split's mean and divide by its standard deviation
    /// (population, 1/n, as scikit-learn's StandardScaler). The default for CSV files.
    case zscore
    /// Per feature: subtract the training split's minimum and divide by its range, so the
    /// training values span [0, 1] (scikit-learn's MinMaxScaler).
    case minmax
    /// The values as read from the file.
    case none
    /// Every feature divided by 255: pixel bytes to [0, 1]. The default for IDX images.
    case pixels

    /// The normalization in words, for a data description.
    public var phrase: String {
        switch self {
        case .zscore: "features z-scored (training-split statistics)"
        case .minmax: "features min-max scaled (training-split range)"
        case .none: "features as read"
        case .pixels: "pixels / 255"
        }
    }
}

/// The per-feature affine map that took the raw values of a data set to the circuit's input:
/// `input[i, j] = (raw[i, j] - offset[j]) / scale[j]`, with `offset` and `scale` of length n_0
/// in the units of the data file.
///
/// A feature that is constant on the training split gets scale 1 (as in scikit-learn), so it
/// is 0 on the training split and wherever the test split has the same value.
public struct FeatureNormalization: Equatable, Sendable {
    public var method: Normalization
    public var offset: [Float]
    public var scale: [Float]

    public init(method: Normalization, offset: [Float], scale: [Float]) {
        precondition(offset.count == scale.count, "one offset and one scale per feature")
        self.method = method
        self.offset = offset
        self.scale = scale
    }

    /// The identity map on `features` features (method `none`).
    public static func identity(features: Int) -> FeatureNormalization {
        FeatureNormalization(method: .none, offset: [Float](repeating: 0, count: features),
                             scale: [Float](repeating: 1, count: features))
    }

    /// The statistics of `method` computed on `train` (samples are rows, values raw), in Double.
    public init(method: Normalization, fittedTo train: Matrix) {
        let n = train.cols
        switch method {
        case .none:
            self = .identity(features: n)
        case .pixels:
            self.init(method: method, offset: [Float](repeating: 0, count: n), scale: [Float](repeating: 255, count: n))
        case .zscore:
            var mean = [Double](repeating: 0, count: n)
            var squares = [Double](repeating: 0, count: n)
            let rows = Double(max(train.rows, 1))
            for r in 0..<train.rows {
                for c in 0..<n { mean[c] += Double(train.values[r * n + c]) }
            }
            for c in 0..<n { mean[c] /= rows }
            for r in 0..<train.rows {
                for c in 0..<n {
                    let d = Double(train.values[r * n + c]) - mean[c]
                    squares[c] += d * d
                }
            }
            self.init(method: method, offset: mean.map { Float($0) },
                      scale: squares.map { Self.usableScale(($0 / rows).squareRoot()) })
        case .minmax:
            var low = [Float](repeating: .infinity, count: n)
            var high = [Float](repeating: -.infinity, count: n)
            for r in 0..<train.rows {
                for c in 0..<n {
                    let x = train.values[r * n + c]
                    low[c] = min(low[c], x)
                    high[c] = max(high[c], x)
                }
            }
            let offset = low.map { $0.isFinite ? $0 : 0 }
            self.init(method: method, offset: offset,
                      scale: (0..<n).map { Self.usableScale(Double(high[$0]) - Double(offset[$0])) })
        }
    }

    public var features: Int { offset.count }

    /// `raw` mapped feature by feature (in Double, rounded once to Float). A value beyond the
    /// Float range after the map becomes infinite; callers check ``Matrix/isFinite``.
    public func apply(to raw: Matrix) -> Matrix {
        precondition(raw.cols == features, "the normalization has \(features) features, the data \(raw.cols)")
        if method == .none { return raw }
        var out = raw
        let n = raw.cols
        for r in 0..<raw.rows {
            for c in 0..<n {
                let i = r * n + c
                out.values[i] = Float((Double(raw.values[i]) - Double(offset[c])) / Double(scale[c]))
            }
        }
        return out
    }

    /// A spread as a divisor: 1 for a constant feature (or one whose spread underflows Float),
    /// the largest Float for one whose spread overflows it.
    private static func usableScale(_ spread: Double) -> Float {
        guard spread > 0 else { return 1 }
        let s = Float(spread)
        if s.isInfinite { return .greatestFiniteMagnitude }
        return s > 0 ? s : 1
    }
}
