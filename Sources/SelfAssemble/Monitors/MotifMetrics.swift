import Synchronization

/// The motif metrics of one level at one moment: what the self-assembly detector measures.
public struct LevelMotifMetrics: Equatable, Sendable, Codable {
    public var level: Int
    /// cos(V_l, Vbar_l^T).
    public var reciprocity: Double
    /// cos(Wbar_l V_l, W_l^T); nil at level 1, which has no Wbar.
    public var descending: Double?
    /// cos(dW_l, -H_l grad_{W_l}) on the probe batch, at every level. With the top level taught
    /// by the error (version 1, ``TopTeaching/error``) W_L's learning-rate matrix is the
    /// identity, so there it equals alignment_bp.
    public var alignmentH: Double
    /// cos(dW_l, -grad_{W_l}) on the probe batch, with dW_l the update of the run's own rule
    /// (the circuit's for circuit runs; fa's for fa runs, 1 for bp).
    public var alignmentBP: Double
    /// Eigenvalues of H_l = Vbar_l Vbar_l^T.
    public var spectrum: Spectrum

    public init(level: Int, reciprocity: Double, descending: Double?, alignmentH: Double, alignmentBP: Double, spectrum: Spectrum) {
        self.level = level
        self.reciprocity = reciprocity
        self.descending = descending
        self.alignmentH = alignmentH
        self.alignmentBP = alignmentBP
        self.spectrum = spectrum
    }
}

/// Measures the motif metrics of a circuit against exact backpropagation on a fixed probe batch.
public struct MotifMonitor: Sendable {
    public let probeInput: Matrix
    public let probeLabels: [Int]
    public let circuitRule: CircuitRule
    public let reference: BackpropRule
    /// The run's rule when it is not the circuit: alignment_bp measures its update; the other
    /// metrics stay those of the motif.
    public let rule: (any LearningRule)?
    /// H_l, its spectrum and reciprocity_l depend on V_l and Vbar_l alone, which stay fixed in
    /// the descending stage and in the learning phase at the default eta_V = 0: they are reused
    /// while V_l and Vbar_l are unchanged (a third of the metrics' time at MNIST's sizes).
    private let reciprocalPairs = ReciprocalPairCache()

    public init(probeInput: Matrix, probeLabels: [Int], dynamics: CircuitDynamics, topTeaching: TopTeaching = .apical,
                rule: (any LearningRule)? = nil) {
        self.probeInput = probeInput
        self.probeLabels = probeLabels
        circuitRule = CircuitRule(dynamics: dynamics, topTeaching: topTeaching)
        reference = BackpropRule(dynamics: dynamics)
        self.rule = rule
    }

    public func measure(_ circuit: Circuit) -> [LevelMotifMetrics] {
        // One ascending pass and error for both (the two rules share the upstream dynamics).
        let up = AscendingActivity(circuit: circuit, input: probeInput, activation: circuitRule.dynamics.upstreamActivation)
        let err = ErrorSignal(logits: up.logits, labels: probeLabels, loss: circuitRule.dynamics.loss)
        let circuitStep = circuitRule.plasticity(of: circuit, ascending: up, error: err)
        let bpStep = reference.plasticity(of: circuit, ascending: up, error: err)
        let ruleStep = rule?.plasticity(of: circuit, input: probeInput, labels: probeLabels) ?? circuitStep
        let L = circuit.levels
        return (1...L).map { l in
            let s = circuit[l]
            let dW = circuitStep[l].W!, minusGrad = bpStep[l].W!
            let pair = reciprocalPairs.measure(level: l, V: s.V, Vbar: s.Vbar)
            let H = pair.H
            let alignmentBP = rule == nil ? cosineSimilarity(dW, minusGrad) : cosineSimilarity(ruleStep[l].W!, minusGrad)
            let topByError = l == L && circuitRule.topTeaching == .error
            let alignmentH = topByError ? cosineSimilarity(dW, minusGrad) : cosineSimilarity(dW, BLAS.product(H, minusGrad))
            var descending: Double? = nil
            if let wbar = s.Wbar {
                descending = cosineSimilarity(BLAS.product(wbar, s.V), s.W.transposed)
            }
            return LevelMotifMetrics(
                level: l,
                reciprocity: pair.reciprocity,
                descending: descending,
                alignmentH: alignmentH,
                alignmentBP: alignmentBP,
                spectrum: pair.spectrum)
        }
    }
}

/// The metrics of one reciprocal pair (V_l, Vbar_l), kept with the pair they were computed from.
private struct ReciprocalPairMetrics: Sendable {
    var V: Matrix
    var Vbar: Matrix
    /// H_l = Vbar_l Vbar_l^T.
    var H: Matrix
    var reciprocity: Double
    var spectrum: Spectrum

    init(V: Matrix, Vbar: Matrix) {
        self.V = V
        self.Vbar = Vbar
        H = Circuit.learningRateMatrix(Vbar: Vbar)
        reciprocity = cosineSimilarity(V, Vbar.transposed)
        spectrum = Spectrum(eigenvalues: SymmetricEigen.eigenvalues(H))
    }
}

/// The last pair measured per level. Reuse is exact: a pair is reused only when V_l and Vbar_l
/// are equal, value for value, to those it was computed from (the arrays share storage until
/// the circuit next changes them, so holding them costs no copy).
private final class ReciprocalPairCache: Sendable {
    private let last = Mutex<[Int: ReciprocalPairMetrics]>([:])

    func measure(level: Int, V: Matrix, Vbar: Matrix) -> ReciprocalPairMetrics {
        if let cached = last.withLock({ $0[level] }), cached.V == V, cached.Vbar == Vbar { return cached }
        let fresh = ReciprocalPairMetrics(V: V, Vbar: Vbar)
        last.withLock { $0[level] = fresh }
        return fresh
    }
}
