import Foundation
import SelfAssemble

/// The checks of each part of docs/hdf5-format.md, in the document's order. Each check
/// records what it finds and carries on, so that one damaged part does not hide the others;
/// checks that need a size (the populations) or a count (the snapshots) skip what they cannot
/// know rather than guess.
extension RunLayoutChecker {
    static let statuses = [RunLayout.Status.running, RunLayout.Status.interrupted, RunLayout.Status.complete]

    /// Root attributes that the layout documents, and optional ones other parts of
    /// selfassemble may add (`connectome`: the circuit definition as YAML text).
    static let rootAttributes: Set<String> = [
        RunLayout.Root.format, RunLayout.Root.formatVersion, RunLayout.Root.softwareVersion, RunLayout.Root.seed,
        RunLayout.Root.configuration, RunLayout.Root.data, RunLayout.Root.status, RunLayout.Root.created,
        RunLayout.Root.finished, RunLayout.Root.levels, RunLayout.Root.connectome,
    ]

    /// Root groups; /resume (the checkpoints that let an interrupted run continue) is accepted
    /// as it is: its records are for the writer, which checks them itself when it resumes.
    static let rootGroups: Set<String> = [
        RunLayout.populations, RunLayout.projections, RunLayout.biases, RunLayout.snapshots, RunLayout.metrics,
        RunLayout.assembly, RunLayout.summary, RunLayout.comparison, RunLayout.Resume.group,
    ]

    /// The sizes the populations declare: n_0 ... n_L and m_1 ... m_L, nil where unknown.
    struct Sizes {
        var levels: Int
        var upstream: [Int?]
        var downstream: [Int?]

        func n(_ l: Int) -> Int? { upstream.indices.contains(l) ? upstream[l] : nil }
        func m(_ l: Int) -> Int? { downstream.indices.contains(l - 1) ? downstream[l - 1] : nil }
    }

    func checkAll() {
        let declaredLevels = checkRootAttributes()
        guard formatVersion != nil || file.hasAttribute(RunLayout.Root.format) else {
            // A foreign HDF5 file: listing every missing group would bury the one fact that matters.
            return
        }
        let sizes = checkPopulations(declaredLevels: declaredLevels)
        let steps = checkSnapshots()
        if let sizes {
            checkProjections(sizes)
            checkBiases(sizes)
            checkMetrics(levels: sizes.levels)
            checkAssembly(levels: sizes.levels, steps: steps)
        }
        checkOutcome(at: "/" + RunLayout.summary, required: status == RunLayout.Status.complete, rule: nil)
        if let comparison = group(file, RunLayout.comparison, at: "/" + RunLayout.comparison, required: false) {
            if HDF5Introspection.objectKind(comparison, RunLayout.comparisonBP) == .missing {
                error("/comparison", "has no group 'bp' (the backpropagation comparison)")
            }
            warnAboutExtraLinks(comparison, at: "/comparison", known: [RunLayout.comparisonBP, RunLayout.comparisonTunedBP])
        }
        checkOutcome(at: "/comparison/bp", required: false, rule: "bp")
        checkOutcome(at: "/comparison/" + RunLayout.comparisonTunedBP, required: false, rule: "bp")
        warnAboutExtraLinks(file, at: "/", known: Self.rootGroups)
    }

    // MARK: - Root

    /// Returns the `levels` attribute when it is readable.
    private func checkRootAttributes() -> Int? {
        let root = "/"
        guard file.hasAttribute(RunLayout.Root.format) else {
            error(root, "no '\(RunLayout.Root.format)' attribute: this HDF5 file is not a selfassemble run file")
            return nil
        }
        if let format = string(file, RunLayout.Root.format, at: root), format != RunLayout.format {
            error(root, "attribute 'format' is '\(format)', expected '\(RunLayout.format)': not a selfassemble run file")
        }
        if let version = integer(file, RunLayout.Root.formatVersion, at: root, type: .int32) {
            formatVersion = Int(version)
            if version > Int64(RunLayout.formatVersion) {
                error(root, "format version \(version) is newer than this selfassemble knows (\(RunLayout.formatVersion)): validate it with a newer selfassemble")
            } else if version < 1 {
                error(root, "format version \(version) is not valid (versions start at 1)")
            }
        }
        _ = string(file, RunLayout.Root.softwareVersion, at: root)
        _ = unsigned(file, RunLayout.Root.seed, at: root, type: .uint64)
        if let json = string(file, RunLayout.Root.configuration, at: root) {
            let object = try? JSONSerialization.jsonObject(with: Data(json.utf8))
            if !(object is [String: Any]) {
                error(root, "attribute 'configuration' is not a JSON object")
            }
        }
        _ = string(file, RunLayout.Root.data, at: root)
        status = string(file, RunLayout.Root.status, at: root, oneOf: Self.statuses)
        if let created = string(file, RunLayout.Root.created, at: root) { checkTime(created, "created") }
        let finished = string(file, RunLayout.Root.finished, at: root, required: status == RunLayout.Status.complete)
        if let finished { checkTime(finished, "finished") }
        var levels: Int? = nil
        if let value = integer(file, RunLayout.Root.levels, at: root, type: .int32) {
            if value >= 1 && value <= 10_000 { levels = Int(value) } else { error(root, "attribute 'levels' is \(value), expected a number of levels >= 1") }
        }
        warnAboutExtraAttributes(file, at: root, known: Self.rootAttributes)
        return levels
    }

    private func checkTime(_ text: String, _ name: String) {
        let formatter = ISO8601DateFormatter()
        if formatter.date(from: text) == nil {
            error("/", "attribute '\(name)' is '\(text)', expected an ISO 8601 UTC time such as 2025-01-31T12:00:00Z")
        }
    }

    /// The configuration's `sizes`, when it has them: they must match the populations.
    private func configuredSizes() -> [Int]? {
        guard let json = try? file.stringAttribute(RunLayout.Root.configuration, of: "/"),
              let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let sizes = object["sizes"] as? [Any] else { return nil }
        let integers = sizes.compactMap { ($0 as? NSNumber)?.intValue }
        return integers.count == sizes.count ? integers : nil
    }

    // MARK: - Populations

    private func checkPopulations(declaredLevels: Int?) -> Sizes? {
        let location = "/populations"
        guard let group = group(file, RunLayout.populations, at: location) else { return nil }
        let names = (try? HDF5.linkNames(group, location)) ?? []
        let upstreamCount = names.filter { $0.hasPrefix("U_") }.count
        if let declaredLevels, upstreamCount != declaredLevels + 1 {
            error(location, "has \(upstreamCount) upstream groups U_*, the root attribute 'levels' = \(declaredLevels) needs \(declaredLevels + 1) (U_0 ... U_\(declaredLevels))")
        }
        // The groups present decide the levels checked below: when they disagree with the
        // attribute, checking the groups that exist finds more than reporting every missing one.
        let levels = upstreamCount >= 2 ? upstreamCount - 1 : (declaredLevels ?? 0)
        guard levels >= 1 else {
            error(location, "lists no levels (expected groups U_0, U_1, ... and D_1, ...)")
            return nil
        }
        func population(_ stream: SelfAssemble.Stream, _ level: Int) -> Int? {
            let name = (stream == .upstream ? "U_" : "D_") + String(level)
            let at = location + "/" + name
            guard let population = self.group(group, name, at: at) else { return nil }
            string(population, "stream", at: at, oneOf: [stream.rawValue])
            integer(population, "level", at: at, type: .int32, equal: level)
            string(population, "compartments", at: at, oneOf: [Compartment.allCases.map(\.rawValue).joined(separator: ",")])
            warnAboutExtraAttributes(population, at: at, known: ["stream", "level", "size", "compartments"])
            guard let size = integer(population, "size", at: at, type: .int32) else { return nil }
            guard size >= 1 else {
                error(at, "attribute 'size' is \(size), expected a number of cells >= 1")
                return nil
            }
            return Int(size)
        }
        let sizes = Sizes(levels: levels,
                          upstream: (0...levels).map { population(.upstream, $0) },
                          downstream: (1...levels).map { population(.downstream, $0) })
        let known = Set((0...levels).map { "U_\($0)" } + (1...levels).map { "D_\($0)" })
        warnAboutExtraLinks(group, at: location, known: known, what: "population")
        if let configured = configuredSizes(), sizes.upstream.allSatisfy({ $0 != nil }) {
            let stored = sizes.upstream.compactMap { $0 }
            if configured != stored {
                error(location, "upstream sizes \(stored) differ from the configuration's sizes \(configured)")
            }
        }
        return sizes
    }

    // MARK: - Snapshots

    /// Checks /snapshots and returns the stored steps (nil when unreadable).
    private func checkSnapshots() -> [Int64]? {
        let location = "/snapshots"
        guard let group = group(file, RunLayout.snapshots, at: location) else { return nil }
        var steps: [Int64]? = nil
        let stepAt = location + "/step"
        if let dataset = dataset(group, RunLayout.Snapshots.step, at: stepAt, type: .int64),
           let values = values(dataset, at: stepAt, as: Int64.self) {
            checkGrowingStorage(dataset, at: stepAt, trailing: [], chunk: [ExtendibleDataset<Int64>.scalarChunk], filtersAllowed: false)
            snapshotCount = values.count
            steps = values
            if let first = values.first, first < 0 { error(stepAt, "the first step is \(first), expected 0 or more") }
            for i in values.indices.dropFirst() where values[i] <= values[i - 1] {
                error(stepAt, "steps are not strictly increasing: snapshot \(i) has step \(values[i]) after \(values[i - 1])")
                break
            }
        }
        let phaseAt = location + "/phase"
        if let dataset = dataset(group, RunLayout.Snapshots.phase, at: phaseAt, type: .uint8),
           let values = series(dataset, at: phaseAt, as: UInt8.self) {
            string(dataset, "labels", at: phaseAt, oneOf: [RunLayout.Snapshots.phaseLabels, RunLayout.Snapshots.phaseLabelsVersion1])
            let phases = values.map { Phase(code: $0) }
            if let bad = values.first(where: { Phase(code: $0) == nil }) {
                error(phaseAt, "holds the phase code \(bad); the codes are \(RunLayout.Snapshots.phaseLabels)")
            } else if let i = phases.indices.dropFirst().first(where: { phases[$0]!.order < phases[$0 - 1]!.order }) {
                error(phaseAt, "snapshot \(i) is in \(phases[i]!.words) after a snapshot in \(phases[i - 1]!.words): the reciprocal stage, the descending stage and learning come in that order")
            }
        }
        let epochAt = location + "/epoch"
        if let dataset = dataset(group, RunLayout.Snapshots.epoch, at: epochAt, type: .int32),
           let values = series(dataset, at: epochAt, as: Int32.self) {
            if let bad = values.first(where: { $0 < 0 }) {
                error(epochAt, "holds the epoch count \(bad), expected 0 or more")
            } else if let i = values.indices.dropFirst().first(where: { values[$0] < values[$0 - 1] }) {
                error(epochAt, "epochs decrease at snapshot \(i)")
            }
        }
        warnAboutExtraLinks(group, at: location, known: [RunLayout.Snapshots.step, RunLayout.Snapshots.phase, RunLayout.Snapshots.epoch])
        return steps
    }

    /// A per-snapshot scalar series: checks storage and length (S, or S + 1 after an
    /// interrupted snapshot) and returns the values of the completed snapshots.
    func series<T: HDF5Element>(_ dataset: HDF5Handle, at location: String, as _: T.Type) -> [T]? {
        checkGrowingStorage(dataset, at: location, trailing: [], chunk: [ExtendibleDataset<Int64>.scalarChunk], filtersAllowed: false)
        guard let values = values(dataset, at: location, as: T.self) else { return nil }
        guard checkLength(values.count, at: location) else { return nil }
        return Array(values.prefix(snapshotCount ?? values.count))
    }

    /// Per-snapshot datasets hold one entry per completed snapshot, or one more when the
    /// writer was interrupted in the middle of a snapshot (the step is written last).
    func checkLength(_ count: Int, at location: String) -> Bool {
        guard let snapshots = snapshotCount else { return true }
        if count == snapshots || count == snapshots + 1 { return true }
        error(location, "has \(count) entries for \(snapshots) snapshots (the length of /snapshots/step; one more is allowed after an interrupted snapshot)")
        return false
    }

    // MARK: - Weights

    private func checkProjections(_ sizes: Sizes) {
        let location = "/projections"
        guard let group = group(file, RunLayout.projections, at: location) else { return }
        var expectedOrder = [String]()
        for l in 1...sizes.levels {
            for kind in ProjectionKind.allCases where l >= kind.firstLevel {
                let name = kind.name(level: l)
                expectedOrder.append(name)
                let (source, target, compartment) = Self.endpoints(kind, level: l)
                let rows = size(of: target, sizes), cols = size(of: source, sizes)
                let at = location + "/" + name
                guard let dataset = dataset(group, name, at: at, type: .float32) else { continue }
                string(dataset, "source", at: at, oneOf: [source])
                string(dataset, "target", at: at, oneOf: [target])
                string(dataset, "compartment", at: at, oneOf: [compartment.rawValue])
                string(dataset, "kind", at: at, oneOf: [kind.rawValue])
                integer(dataset, "level", at: at, type: .int32, equal: l)
                string(dataset, "axes", at: at, oneOf: ["snapshot,target,source"])
                warnAboutExtraAttributes(dataset, at: at, known: ["source", "target", "compartment", "kind", "level", "axes"])
                if let rows, let cols { checkMatrices(dataset, at: at, trailing: [rows, cols]) }
            }
        }
        warnAboutExtraLinks(group, at: location, known: Set(expectedOrder), what: "projection")
        if let names = try? HDF5.linkNames(group, location) {
            let present = names.filter { expectedOrder.contains($0) }
            if present != expectedOrder.filter({ names.contains($0) }) {
                warning(location, "projections are not in the model's creation order (W_1, V_1, Vbar_1, W_2, ...)")
            }
        }
    }

    private func checkBiases(_ sizes: Sizes) {
        let location = "/biases"
        guard let group = group(file, RunLayout.biases, at: location) else { return }
        let names = (1...sizes.levels).map(RunLayout.biasName(level:))
        for (l, name) in zip(1..., names) {
            let at = location + "/" + name
            guard let dataset = dataset(group, name, at: at, type: .float32) else { continue }
            string(dataset, "target", at: at, oneOf: ["U_\(l)"])
            integer(dataset, "level", at: at, type: .int32, equal: l)
            string(dataset, "axes", at: at, oneOf: ["snapshot,target"])
            warnAboutExtraAttributes(dataset, at: at, known: ["target", "level", "axes"])
            if let n = sizes.n(l) { checkMatrices(dataset, at: at, trailing: [n]) }
        }
        warnAboutExtraLinks(group, at: location, known: Set(names), what: "bias")
    }

    /// A series of weight matrices (or bias vectors): shape, storage, and every completed
    /// snapshot read back (which finds damaged or truncated chunks).
    private func checkMatrices(_ dataset: HDF5Handle, at location: String, trailing: [Int]) {
        guard let shape = shape(dataset, at: location) else { return }
        let expected = "[S, " + trailing.map(String.init).joined(separator: ", ") + "]"
        guard shape.count == trailing.count + 1, Array(shape.dropFirst()) == trailing else {
            error(location, "has shape \(shape), expected \(expected) as the populations' sizes say")
            return
        }
        checkGrowingStorage(dataset, at: location, trailing: trailing, chunk: [1] + trailing, filtersAllowed: true)
        guard checkLength(shape[0], at: location) else { return }
        var nonFinite = 0
        for snapshot in 0..<(snapshotCount ?? shape[0]) {
            do {
                let (values, _) = try DatasetIO.readEntry(dataset, index: snapshot, as: Float.self, location)
                nonFinite += values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            } catch {
                self.error(location, "snapshot \(snapshot) cannot be read: \(reason(error))")
                return
            }
        }
        if nonFinite > 0 {
            warning(location, "holds \(nonFinite) values that are not finite (NaN or infinite)")
        }
    }

    static func endpoints(_ kind: ProjectionKind, level l: Int) -> (source: String, target: String, compartment: Compartment) {
        switch kind {
        case .W: return ("U_\(l - 1)", "U_\(l)", .basal)
        case .V: return ("U_\(l)", "D_\(l)", .basal)
        case .Vbar: return ("D_\(l)", "U_\(l)", .apical)
        case .Wbar: return ("D_\(l)", "U_\(l - 1)", .apical)
        }
    }

    private func size(of population: String, _ sizes: Sizes) -> Int? {
        guard let level = Int(population.dropFirst(2)) else { return nil }
        return population.hasPrefix("U_") ? sizes.n(level) : sizes.m(level)
    }

    // MARK: - Metrics

    private func checkMetrics(levels: Int) {
        let location = "/metrics"
        guard let group = group(file, RunLayout.metrics, at: location) else { return }
        let names = RunLayout.metricNames(levels: levels)
        for name in names {
            let at = location + "/" + name
            guard let dataset = dataset(group, name, at: at, type: .float64) else { continue }
            _ = string(dataset, "description", at: at)
            let level = name.split(separator: "_").last.flatMap { Int($0) }
            if let level { integer(dataset, "level", at: at, type: .int32, equal: level) }
            warnAboutExtraAttributes(dataset, at: at, known: level == nil ? ["description"] : ["description", "level"])
            guard let values = series(dataset, at: at, as: Double.self) else { continue }
            if let range = Self.range(ofMetric: name),
               let bad = values.first(where: { $0.isFinite && !(range.lowerBound - 1e-6...range.upperBound + 1e-6).contains($0) }) {
                error(at, "holds \(bad), outside the metric's range [\(range.lowerBound), \(range.upperBound)]")
            }
        }
        warnAboutExtraLinks(group, at: location, known: Set(names), what: "metric")
    }

    /// The documented range of a bounded metric (cosines and fractions).
    static func range(ofMetric name: String) -> ClosedRange<Double>? {
        if name.hasSuffix("_accuracy") { return 0...1 }
        for prefix in ["reciprocity_", "descending_", "alignment_H_", "alignment_bp_"] where name.hasPrefix(prefix) {
            return -1...1
        }
        return nil
    }

    // MARK: - Assembly and outcome

    private func checkAssembly(levels: Int, steps: [Int64]?) {
        let location = "/assembly"
        guard let group = group(file, RunLayout.assembly, at: location) else { return }
        let at = location + "/" + RunLayout.Assembly.onsetStep
        warnAboutExtraLinks(group, at: location, known: [RunLayout.Assembly.onsetStep])
        guard let dataset = dataset(group, RunLayout.Assembly.onsetStep, at: at, type: .int64) else { return }
        for name in ["reciprocity", "descending", "alignment_H"] { _ = double(dataset, name, at: at) }
        if let k = integer(dataset, "consecutive", at: at, type: .int32), k < 1 {
            error(at, "attribute 'consecutive' is \(k), expected K >= 1")
        }
        _ = string(dataset, "description", at: at)
        warnAboutExtraAttributes(dataset, at: at, known: ["reciprocity", "descending", "alignment_H", "consecutive", "description"])
        guard let onsets = values(dataset, at: at, as: Int64.self) else { return }
        guard onsets.count == levels else {
            error(at, "has \(onsets.count) values, expected one per level (\(levels))")
            return
        }
        for (l, onset) in zip(1..., onsets) where onset != RunLayout.Assembly.notAssembled {
            if let steps, !steps.contains(onset) {
                error(at, "level \(l) assembled at step \(onset), which is not a stored snapshot step (-1 means not assembled)")
            } else if onset < 0 {
                error(at, "level \(l) has onset \(onset); expected -1 (not assembled) or a snapshot step")
            }
        }
    }

    private func checkOutcome(at location: String, required: Bool, rule expectedRule: String?) {
        let parts = location.split(separator: "/").map(String.init)
        var parent: HDF5Handle? = file
        for part in parts.dropLast() {
            parent = parent.flatMap { HDF5Introspection.objectKind($0, part) == .group ? try? HDF5.openGroup($0, part, in: path) : nil }
        }
        guard let parent, let name = parts.last else { return }
        if HDF5Introspection.objectKind(parent, name) == .missing {
            if required { error(location, "missing group: the status is 'complete', so the run's outcome must be stored") }
            return
        }
        guard let group = group(parent, name, at: location) else { return }
        _ = double(group, RunLayout.Summary.finalTestAccuracy, at: location)
        _ = double(group, RunLayout.Summary.finalTrainAccuracy, at: location)
        if let steps = integer(group, RunLayout.Summary.steps, at: location, type: .int64), steps < 0 {
            error(location, "attribute 'steps' is \(steps), expected 0 or more")
        }
        string(group, RunLayout.Summary.rule, at: location, oneOf: expectedRule.map { [$0] } ?? ["circuit", "bp"])
        if let diverged = integer(group, RunLayout.Summary.divergedAtStep, at: location, type: .int64), diverged < -1 {
            error(location, "attribute 'diverged_at_step' is \(diverged), expected -1 (no divergence) or a step")
        }
        let known: Set<String> = [RunLayout.Summary.finalTestAccuracy, RunLayout.Summary.finalTrainAccuracy,
                                  RunLayout.Summary.steps, RunLayout.Summary.rule, RunLayout.Summary.divergedAtStep]
        warnAboutExtraAttributes(group, at: location, known: known)
        let at = location + "/" + RunLayout.Summary.testAccuracyByEpoch
        if let dataset = dataset(group, RunLayout.Summary.testAccuracyByEpoch, at: at, type: .float64),
           let values = values(dataset, at: at, as: Double.self),
           let bad = values.first(where: { $0.isFinite && !(0...1).contains($0) }) {
            error(at, "holds \(bad), outside [0, 1]")
        }
        warnAboutExtraLinks(group, at: location, known: [RunLayout.Summary.testAccuracyByEpoch])
    }
}
