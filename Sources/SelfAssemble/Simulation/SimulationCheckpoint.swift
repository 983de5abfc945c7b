import Foundation

/// Everything a run holds besides its circuit: with the circuit of a snapshot and the
/// checkpoint taken with it, a run continues exactly as if it had never stopped (same
/// generators, same data order, same detector, same accumulators).
///
/// Codable as JSON: the HDF5 store keeps one per snapshot. Non-finite numbers are written as
/// strings ("nan"), so use ``SimulationCheckpoint/encoder`` and ``SimulationCheckpoint/decoder``.
public struct SimulationCheckpoint: Equatable, Sendable, Codable {
    /// Updates applied so far.
    public var step = 0
    /// Where learning diverged and the run stopped, if it did.
    public var divergedAtStep: Int?
    public var detector: AssemblyDetector
    public var developmentRng: Xoshiro256StarStar
    public var dataRng: Xoshiro256StarStar
    /// The data-order generator as it was before the current epoch's permutation was drawn:
    /// redrawing from it gives the current epoch's order back.
    public var epochStartDataRng: Xoshiro256StarStar
    /// Loss summed over the current epoch's samples, correct samples, samples.
    public var epochLoss = 0.0
    public var epochCorrect = 0
    public var epochSamples = 0
    public var testAccuracyByEpoch: [Double] = []
    public var latestTestAccuracy = Double.nan
    public var latestMotif: [LevelMotifMetrics] = []
    public var lastRecordedStep: Int?
    /// ``DataSplit/fingerprint`` of the data the run started with; a continued run must see the
    /// same (nil in checkpoints written before it existed).
    public var dataFingerprint: String?

    init(configuration: SimulationConfiguration, levels: Int) {
        detector = AssemblyDetector(levels: levels, thresholds: configuration.thresholds)
        developmentRng = Xoshiro256StarStar(seed: configuration.seed, stream: RandomStream.spontaneousActivity.rawValue)
        dataRng = Xoshiro256StarStar(seed: configuration.seed, stream: RandomStream.dataOrder.rawValue)
        epochStartDataRng = dataRng
    }

    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    public func json() throws -> String {
        String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }

    public init(json: String) throws {
        self = try Self.decoder.decode(Self.self, from: Data(json.utf8))
    }
}
