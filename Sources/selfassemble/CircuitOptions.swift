import ArgumentParser
import Foundation
import SelfAssemble

/// The options that define a circuit and its run; each overrides one field of the
/// embedded default configuration.
struct CircuitOptions: ParsableArguments {
    @Option(help: "Seed of every random draw (weights, data order, spontaneous activity, synthetic task).")
    var seed: UInt64 = 7

    @Option(help: ArgumentHelp("Learning rule: circuit (the self-assembled motif) or bp (exact backpropagation).", valueName: "circuit|bp"))
    var rule: String = SimulationConfiguration().rule.rawValue

    @Option(help: ArgumentHelp("Upstream widths n_0,...,n_L: input size, hidden levels, number of classes.", valueName: "n0,n1,...,nL"))
    var sizes: String = SimulationConfiguration().sizes.map(String.init).joined(separator: ",")

    @Option(help: ArgumentHelp("Downstream ratio r >= 1 (m_l = round(r n_l)); one value, or one per level separated by commas.", valueName: "r"))
    var ratio: String = SimulationConfiguration().ratios.map { String($0) }.joined(separator: ",")

    @Option(help: "Minibatch size (also the rows of spontaneous activity per development step).")
    var batch: Int = SimulationConfiguration().batch

    @Option(help: "Learning epochs.")
    var epochs: Int = SimulationConfiguration().epochs

    @Option(name: .customLong("development-steps"), help: "Steps of the development phase (0 turns it off).")
    var developmentSteps: Int = SimulationConfiguration().developmentSteps

    @Option(name: .customLong("eta-w"), help: "eta_W, learning rate of W, b and Wbar.")
    var etaW: Float = SimulationConfiguration().etaW

    @Option(name: .customLong("eta-v"), help: "eta_V, learning rate of V and Vbar during learning.")
    var etaV: Float = SimulationConfiguration().etaV

    @Option(name: .customLong("weight-decay"), help: "lambda, weight decay of W and Wbar per step.")
    var weightDecay: Float = SimulationConfiguration().weightDecay

    @Option(name: .customLong("downstream-activation"), help: ArgumentHelp("phi, the activation of the downstream groups.", valueName: "identity|tanh|relu"))
    var downstreamActivation: String = SimulationConfiguration().downstreamActivation.rawValue

    @Option(help: ArgumentHelp("Projection kinds that are plastic, comma-separated (V,Vbar frozen: --plastic W,Wbar).", valueName: "W,V,Vbar,Wbar"))
    var plastic: String = SimulationConfiguration().plastic.map(\.rawValue).joined(separator: ",")

    @Option(name: .customLong("snapshot-every"), help: "Steps between weight snapshots (the first, the end of development and the last step are always recorded).")
    var snapshotEvery: Int = SimulationConfiguration().snapshotEvery

    @Option(help: ArgumentHelp("Data: a directory of MNIST-format IDX files (gzipped or not), or a CSV file with a header row and the label first. Default: the synthetic task.", valueName: "path"))
    var data: String?

    @Option(name: .customLong("test-fraction"), help: "Share of a CSV file's samples held out for testing.")
    var testFraction: Double = SimulationConfiguration().testFraction

    @Option(help: "OpenBLAS threads; results are bit-identical for the same seed, data and thread count.")
    var threads: Int = SimulationConfiguration().threads

    /// The configuration these options describe, validated.
    func resolvedConfiguration() throws -> SimulationConfiguration {
        var c = SimulationConfiguration()
        c.seed = seed
        c.rule = try parseEnum(RuleKind.self, rule, option: "rule")
        c.sizes = try parseList(sizes, option: "sizes", what: "positive integers") { Int($0) }
        c.ratios = try parseList(ratio, option: "ratio", what: "numbers >= 1") { Double($0) }
        c.batch = batch
        c.epochs = epochs
        c.developmentSteps = developmentSteps
        c.etaW = etaW
        c.etaV = etaV
        c.weightDecay = weightDecay
        c.downstreamActivation = try parseEnum(Activation.self, downstreamActivation, option: "downstream-activation")
        c.plastic = try parseList(plastic, option: "plastic", what: "projection kinds (W, V, Vbar, Wbar)") { ProjectionKind(rawValue: $0) }
        c.snapshotEvery = snapshotEvery
        c.data = data
        c.testFraction = testFraction
        c.threads = threads
        do {
            _ = try c.validated()
        } catch let error as ConfigurationError {
            throw ValidationError(error.message)
        }
        return c
    }

    private func parseList<T>(_ text: String, option: String, what: String, _ parse: (String) -> T?) throws -> [T] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var values = [T]()
        for part in parts {
            guard let value = parse(String(part)) else {
                throw ValidationError("--\(option) takes \(what) separated by commas; '\(part)' in '\(text)' is not one")
            }
            values.append(value)
        }
        return values
    }

    private func parseEnum<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ text: String, option: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw ValidationError("--\(option) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")); got '\(text)'")
        }
        return value
    }
}
