import SelfAssemble

/// The weights of one level at one snapshot (W and Wbar may be absent: Wbar_1 does not exist).
public struct LevelWeights: Sendable {
    public var level: Int
    public var W: Matrix
    public var V: Matrix
    public var Vbar: Matrix
    public var Wbar: Matrix?

    public init(level: Int, W: Matrix, V: Matrix, Vbar: Matrix, Wbar: Matrix?) {
        self.level = level
        self.W = W
        self.V = V
        self.Vbar = Vbar
        self.Wbar = Wbar
    }
}

/// The anatomical statistics of one level at one snapshot: keep each projection's strongest
/// synapses with their signs, count reciprocal pairs and signed four-synapse motifs, and
/// compare both counts with the relabelling null. Pure computation on matrices.
public enum LevelAnatomy {
    public static func analyse(_ weights: LevelWeights, snapshot: Int, step: Int, roles: [SnapshotRole],
                               topPercent: Double, nullSamples: Int, seed: UInt64, zThreshold: Double) -> LevelMotifStatistics {
        let l = weights.level
        let hasMotif = weights.Wbar != nil
        var kept = [KeptSynapses]()
        func mask(_ kind: ProjectionKind, _ m: Matrix) -> Matrix {
            let mask = SignedMask(strongestOf: m, percent: topPercent)
            kept.append(KeptSynapses(projection: kind.name(level: l), synapses: m.count, kept: mask.kept,
                                     threshold: Double(mask.threshold), largestMagnitude: Double(mask.largestMagnitude)))
            return mask.signs
        }
        let W = hasMotif ? mask(.W, weights.W) : nil
        let V = mask(.V, weights.V)
        let Vbar = mask(.Vbar, weights.Vbar)
        let Wbar = weights.Wbar.map { mask(.Wbar, $0) }
        let masks = LevelMasks(W: W, V: V, Vbar: Vbar, Wbar: Wbar)

        let observed = MotifCounting.count(masks)
        var rng = RelabellingNull.generator(seed: seed, level: l)
        let null = RelabellingNull.counts(masks, samples: nullSamples, using: &rng)

        let pairs = CountStatistic(observed: observed.reciprocalPairs, null: null.map(\.reciprocalPairs))
        var four: FourSynapseStatistic? = nil
        if let signed = observed.signedFourSynapse, let all = observed.fourSynapse {
            let statistic = CountStatistic(observed: signed, null: null.map { $0.signedFourSynapse ?? 0 })
            let positive = (all + signed) / 2
            four = FourSynapseStatistic(
                signed: statistic, all: all, positive: positive, negative: all - positive,
                nullExpectedAll: RelabellingNull.expectedFourSynapseMotifs(nullReciprocalPairs: pairs.nullMean, masks: masks) ?? 0)
        }
        let pairsOver = pairs.isOverRepresented(zThreshold: zThreshold)
        let fourOver = four.map { $0.signed.isOverRepresented(zThreshold: zThreshold) }
        return LevelMotifStatistics(
            level: l, snapshot: snapshot, step: step, roles: roles, kept: kept,
            reciprocalPairs: pairs, fourSynapseMotifs: four,
            reciprocalPairsOverRepresented: pairsOver, fourSynapseMotifsOverRepresented: fourOver,
            motifOverRepresented: pairsOver && (fourOver ?? true),
            smallCounts: pairs.nullMean < 10 || (four.map { $0.nullExpectedAll < 10 } ?? false))
    }
}
