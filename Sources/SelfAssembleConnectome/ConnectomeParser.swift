import Foundation
import SelfAssemble
import Yams

/// Reads the YAML text of a connectome into a ``Connectome``, strictly: every key is checked
/// against ``Schema``, every value's type and range is checked where it is read, so each
/// mistake is reported with its field path and line. Omitted fields keep the embedded
/// default's value (``SimulationConfiguration/init()``).
struct ConnectomeParser {
    let source: String
    /// The directory a relative `data.path` is resolved against (the file's own directory);
    /// nil leaves a relative path as written (then it is relative to the working directory).
    let baseDirectory: String?
    /// Whether `data.path` must exist. Off when the caller overrides the data anyway, or
    /// only lists the file.
    let requireData: Bool
    /// The name used when the file has no `name` field (the file's name without extension).
    let defaultName: String

    func parse(_ text: String) throws -> Connectome {
        let document: Node?
        do {
            document = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, text: text)
        }
        guard let document, !Field(node: document, path: "", source: source).isNull else {
            throw ConnectomeError(source: source, problem: "the file is empty; a connectome needs at least one field (e.g. 'levels:'); see Connectomes/default.yaml")
        }
        let top = try Field(node: document, path: "", source: source)
            .fields(known: Schema.top, section: "", expected: "a mapping of fields (name:, levels:, learning:, ...)")

        var c = SimulationConfiguration()
        let name = try top["name"].map { try nonEmpty($0.string(), $0) } ?? defaultName
        let description = try top["description"].map { try $0.string() } ?? ""
        if let f = top["seed"] { c.seed = try f.uint64(expected: "a whole number from 0 to \(UInt64.max)") }
        try readLevels(top, into: &c)
        if let f = top["cells"] { try readCells(f, into: &c) }
        if let f = top["learning"] { try readLearning(f, into: &c) }
        if let f = top["development"] { try readDevelopment(f, into: &c) }
        if let f = top["data"] { try readData(f, into: &c) }
        if let f = top["snapshots"] { try readSnapshots(f, into: &c) }
        if let f = top["detection"] { try readDetection(f, into: &c) }
        if let f = top["runtime"] { try readRuntime(f, into: &c) }

        if c.developmentSteps == 0 && c.descendingSteps == 0 && c.epochs == 0 {  // not a sum: each may be near Int.max
            var line: Int?
            if case .mapping(let learning)? = top["learning"]?.node { line = learning["epochs"]?.mark?.line }
            throw ConnectomeError(source: source, line: line, field: "learning.epochs",
                                  problem: "nothing to simulate: development.steps, development.descending_steps and learning.epochs are all 0; make one of them positive")
        }
        do {
            _ = try c.validated()
        } catch let error as ConfigurationError {
            throw ConfigurationErrorMapping.connectomeError(error, source: source)
        }
        return Connectome(name: name, description: description, configuration: c)
    }

    // MARK: Sections

    private func readCells(_ section: Field, into c: inout SimulationConfiguration) throws {
        let f = try section.fields(known: Schema.cells, section: "cells", expected: "a mapping, e.g. {upstream_activation: relu, downstream_activation: identity, loss: cross-entropy}")
        if let v = f["upstream_activation"] { c.upstreamActivation = try v.choice(Activation.self, what: "activation") }
        if let v = f["downstream_activation"] { c.downstreamActivation = try v.choice(Activation.self, what: "activation") }
        if let v = f["loss"] { c.loss = try v.choice(Loss.self, what: "loss") }
    }

    private func readLearning(_ section: Field, into c: inout SimulationConfiguration) throws {
        let f = try section.fields(known: Schema.learning, section: "learning", expected: "a mapping, e.g. {rule: circuit, eta_w: 0.1, batch: 32}")
        if let v = f["rule"] { c.rule = try v.choice(RuleKind.self, what: "rule") }
        if let v = f["eta_w"] { c.etaW = try nonNegative(v.float(expected: "a learning rate (a number >= 0)"), v) }
        if let v = f["eta_v"] { c.etaV = try nonNegative(v.float(expected: "a learning rate (a number >= 0)"), v) }
        if let v = f["weight_decay"] {
            let lambda = try v.float(expected: "a weight decay (a number in [0, 1))")
            guard lambda >= 0 && lambda < 1 else { throw v.fail("\(lambda) is outside [0, 1); lambda scales W and Wbar down by (1 - lambda) per step") }
            c.weightDecay = lambda
        }
        if let v = f["batch"] { c.batch = try positive(v.int(expected: "a whole number of samples per minibatch"), v, what: "batch size") }
        if let v = f["epochs"] { c.epochs = try notNegative(v.int(expected: "a whole number of epochs"), v, what: "number of epochs") }
        if let v = f["plastic"] { c.plastic = try plastic(v) }
        if let v = f["top_teaching"] { c.topTeaching = try v.choice(TopTeaching.self, what: "what teaches the top level's W") }
        if let v = f["compare_bp"] { c.compareBackprop = try v.bool(expected: "whether to train backpropagation beside the circuit") }
        if let v = f["target_step"] { c.targetStep = try positive(v.float(expected: "a target step beta (a number > 0)"), v, what: "target step beta") }
        if let v = f["inverse_noise"] { c.inverseNoise = try nonNegative(v.float(expected: "a noise level sigma (a number >= 0)"), v) }
        if let v = f["inverse_rate"] { c.inverseRate = try positive(v.float(expected: "a rate eta_inv (a number > 0)"), v, what: "inverse rate eta_inv") }
        if let v = f["orthogonality"] { c.orthogonality = try nonNegative(v.float(expected: "a regulariser weight lambda_O (a number >= 0)"), v) }
    }

    private func plastic(_ field: Field) throws -> [ProjectionKind] {
        let items = try field.items(expected: "a list of projection kinds, e.g. [W, Vbar]")
        var kinds: [ProjectionKind] = []
        for item in items {
            let kind = try item.choice(ProjectionKind.self, what: "projection kind")
            guard !kinds.contains(kind) else { throw item.fail("\(kind.rawValue) is listed twice; list each plastic projection kind once") }
            kinds.append(kind)
        }
        return kinds
    }

    private func readDevelopment(_ section: Field, into c: inout SimulationConfiguration) throws {
        let f = try section.fields(known: Schema.development, section: "development",
                                   expected: "a mapping, e.g. {steps: 3000, rate: 0.05, descending_steps: 2000}")
        if let v = f["steps"] { c.developmentSteps = try notNegative(v.int(expected: "a whole number of steps"), v, what: "number of reciprocal-stage steps (0 turns that stage off)") }
        if let v = f["rate"] { c.developmentRate = try nonNegative(v.float(expected: "a rate (a number >= 0)"), v) }
        if let v = f["descending_steps"] { c.descendingSteps = try notNegative(v.int(expected: "a whole number of steps"), v, what: "number of descending-stage steps (0 turns that stage off)") }
        if let v = f["descending_rate"] { c.descendingRate = try nonNegative(v.float(expected: "a rate (a number >= 0)"), v) }
        if let v = f["descending_decay"] {
            let lambda = try v.float(expected: "a decay (a number in [0, 1))")
            guard lambda >= 0 && lambda < 1 else { throw v.fail("\(lambda) is outside [0, 1); lambda_d scales W and Wbar down by (1 - lambda_d) per descending-stage step") }
            c.descendingDecay = lambda
        }
    }

    private func readData(_ section: Field, into c: inout SimulationConfiguration) throws {
        let f = try section.fields(known: Schema.data, section: "data", expected: "a mapping, e.g. {path: ../data/digits8x8, test_fraction: 0.2}")
        if let v = f["path"] {
            c.data = v.isNull ? nil : try DataPath.resolve(try nonEmpty(v.string(expected: "a path"), v), field: v,
                                                           baseDirectory: baseDirectory, mustExist: requireData)
        }
        if let v = f["test_fraction"] {
            let fraction = try v.double(expected: "a number between 0 and 1")
            guard fraction > 0 && fraction < 1 else { throw v.fail("\(fraction) is not between 0 and 1 (exclusive); it is the share of a CSV file's samples held out for testing") }
            c.testFraction = fraction
        }
        if let v = f["normalize"] { c.normalization = v.isNull ? nil : try v.choice(Normalization.self, what: "normalization") }
    }

    private func readSnapshots(_ section: Field, into c: inout SimulationConfiguration) throws {
        let f = try section.fields(known: Schema.snapshots, section: "snapshots", expected: "a mapping, e.g. {every: 100, probe_size: 256}")
        if let v = f["every"] { c.snapshotEvery = try positive(v.int(expected: "a whole number of steps"), v, what: "number of steps between snapshots") }
        if let v = f["probe_size"] { c.probeSize = try positive(v.int(expected: "a whole number of samples"), v, what: "number of probe samples") }
    }

    private func readDetection(_ section: Field, into c: inout SimulationConfiguration) throws {
        let f = try section.fields(known: Schema.detection, section: "detection", expected: "a mapping, e.g. {reciprocity: 0.9, descending: 0.5, alignment_H: 0.8, consecutive: 3}")
        func cosine(_ v: Field) throws -> Double {
            let t = try v.double(expected: "a cosine threshold (a number in [-1, 1])")
            guard t >= -1 && t <= 1 else { throw v.fail("\(t) is outside [-1, 1]; the metrics are cosines, so a threshold outside that range never (or always) passes") }
            return t
        }
        if let v = f["reciprocity"] { c.thresholds.reciprocity = try cosine(v) }
        if let v = f["descending"] { c.thresholds.descending = try cosine(v) }
        if let v = f["alignment_H"] { c.thresholds.alignmentH = try cosine(v) }
        if let v = f["consecutive"] { c.thresholds.consecutive = try positive(v.int(expected: "a whole number of snapshots (K)"), v, what: "number of consecutive snapshots K") }
    }

    private func readRuntime(_ section: Field, into c: inout SimulationConfiguration) throws {
        let f = try section.fields(known: Schema.runtime, section: "runtime", expected: "a mapping, e.g. {threads: 1}")
        if let v = f["threads"] { c.threads = try positive(v.int(expected: "a whole number of threads"), v, what: "number of threads") }
    }

    // MARK: Ranges (shared with the level reader)

    func positive(_ value: Int, _ field: Field, what: String) throws -> Int {
        guard value >= 1 else { throw field.fail("\(value) is not a positive \(what); give 1 or more") }
        return value
    }

    func positive(_ value: Float, _ field: Field, what: String) throws -> Float {
        guard value > 0 else { throw field.fail("\(value) is not a positive \(what); give a number above 0") }
        return value
    }

    func notNegative(_ value: Int, _ field: Field, what: String) throws -> Int {
        guard value >= 0 else { throw field.fail("\(value) is negative; give a \(what) of 0 or more") }
        return value
    }

    func nonNegative(_ value: Float, _ field: Field) throws -> Float {
        guard value >= 0 else { throw field.fail("\(value) is negative; rates are 0 or more") }
        return value
    }

    func atLeastOne(_ value: Double, _ field: Field) throws -> Double {
        guard value >= 1 else {
            throw field.fail("\(value) is below 1 (the downstream stream must be at least as wide as the upstream one: m_l = round(r n_l) >= n_l)")
        }
        return value
    }

    func nonEmpty(_ text: String, _ field: Field) throws -> String {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw field.fail("empty; give some text or leave the field out")
        }
        return text
    }
}
