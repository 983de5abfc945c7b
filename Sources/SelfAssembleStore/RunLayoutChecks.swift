import Foundation
import SelfAssemble

/// The validator's side of the layout declaration (RunLayout+Declaration.swift): it walks the
/// declared groups, datasets and attributes and compares each with the file. Each check
/// records what it finds and carries on, so that one damaged part does not hide the others;
/// checks that need a size (the populations) or a count (the snapshots) skip what they cannot
/// know rather than guess. What no single object can say (the populations against `levels`
/// and the configuration) is checked before the walk.
extension RunLayoutChecker {
    func checkAll() {
        guard file.hasAttribute(RunLayout.Root.format) else {
            // A foreign HDF5 file: listing every missing group would bury the one fact that matters.
            error("/", "no '\(RunLayout.Root.format)' attribute: this HDF5 file is not a selfassemble run file")
            return
        }
        status = quietly { try file.stringAttribute(RunLayout.Root.status, of: path) }
        if snapshotCount == nil { snapshotCount = countSnapshots() }
        walk(RunLayout.declaration(readShape()), file, at: "/")
    }

    // MARK: - Before the walk

    /// The length of /snapshots/step, which every per-snapshot check is measured against.
    func countSnapshots() -> Int? {
        let name = RunLayout.snapshots + "/" + RunLayout.Snapshots.step
        guard HDF5Introspection.objectKind(file, name) == .dataset,
              let step = quietly({ try HDF5.openDataset(self.file, name, in: self.path) }),
              HDF5Introspection.datasetType(step) == .int64,
              let shape = quietly({ try HDF5.shape(of: step, name) }), shape.count == 1 else { return nil }
        return shape[0]
    }

    /// The levels and sizes the populations declare, with the checks that compare them with the
    /// root attribute `levels` and the configuration's `sizes`. Levels 0: unknown.
    private func readShape() -> RunShape {
        let declaredLevels = quietly { try file.integerAttribute(RunLayout.Root.levels, of: path) }
            .flatMap { (1...10_000).contains($0) ? Int($0) : nil }
        let location = "/" + RunLayout.populations
        guard HDF5Introspection.objectKind(file, RunLayout.populations) == .group,
              let group = quietly({ try HDF5.openGroup(self.file, RunLayout.populations, in: self.path) }) else {
            return RunShape(levels: declaredLevels ?? 0, upstream: [], downstream: [])
        }
        let names = (try? HDF5.linkNames(group, location)) ?? []
        let upstreamCount = names.filter { $0.hasPrefix("U_") }.count
        if let declaredLevels, upstreamCount != declaredLevels + 1 {
            error(location, "has \(upstreamCount) upstream groups U_*, the root attribute 'levels' = \(declaredLevels) needs \(declaredLevels + 1) (U_0 ... U_\(declaredLevels))")
        }
        // The groups present decide the levels checked: when they disagree with the attribute,
        // checking the groups that exist finds more than reporting every missing one.
        let levels = upstreamCount >= 2 ? upstreamCount - 1 : (declaredLevels ?? 0)
        guard levels >= 1 else {
            error(location, "lists no levels (expected groups U_0, U_1, ... and D_1, ...)")
            return RunShape(levels: 0, upstream: [], downstream: [])
        }
        func size(_ name: String) -> Int? {
            guard HDF5Introspection.objectKind(group, name) == .group,
                  let population = quietly({ try HDF5.openGroup(group, name, in: self.path) }),
                  HDF5Introspection.attributeType(population, "size")?.type == .int32,
                  let size = quietly({ try population.integerAttribute("size", of: name) }), size >= 1 else { return nil }
            return Int(size)
        }
        let upstream = (0...levels).map { size("U_\($0)") }
        let shape = RunShape(levels: levels, upstream: upstream, downstream: (1...levels).map { size("D_\($0)") },
                             feedback: readFeedback(levels: levels, upstream: upstream))
        if let configured = configuredSizes(), shape.upstream.allSatisfy({ $0 != nil }) {
            let stored = shape.upstream.compactMap { $0 }
            if configured != stored {
                error(location, "upstream sizes \(stored) differ from the configuration's sizes \(configured)")
            }
        }
        return shape
    }

    /// The entries of /feedback, each a dataset the walk then checks: the shape its name implies
    /// (``FeedbackProjection``) where the populations give the sizes, otherwise the stored one
    /// (a name no rule of this version uses is checked for what it holds).
    private func readFeedback(levels: Int, upstream: [Int?]) -> [(name: String, rows: Int?, cols: Int?)] {
        let location = "/" + RunLayout.feedback
        guard HDF5Introspection.objectKind(file, RunLayout.feedback) == .group,
              let group = quietly({ try HDF5.openGroup(self.file, RunLayout.feedback, in: self.path) }) else { return [] }
        // The datasets present, and those the group's `projections` attribute says it holds.
        let present = (try? HDF5.linkNames(group, location)) ?? []
        let listed = quietly { try group.stringAttribute(RunLayout.Feedback.projections, of: location) }?
            .split(separator: ",").map(String.init) ?? []
        let names = listed + present.filter { !listed.contains($0) }
        return names.map { name in
            if let projection = FeedbackProjection(name: name, levels: levels), upstream.allSatisfy({ $0 != nil }) {
                let shape = projection.shape(upstreamSizes: upstream.map { $0! })
                return (name, shape.rows, shape.cols)
            }
            guard HDF5Introspection.objectKind(group, name) == .dataset,
                  let dataset = quietly({ try HDF5.openDataset(group, name, in: self.path) }),
                  let stored = quietly({ try HDF5.shape(of: dataset, name) }) else { return (name, nil, nil) }
            guard stored.count == 3 else {
                error(location + "/" + name, "has shape \(stored), expected [S, rows, cols]: one matrix per snapshot")
                return (name, nil, nil)
            }
            return (name, stored[1], stored[2])
        }
    }

    /// The configuration's `sizes`, when it has them: they must match the populations.
    private func configuredSizes() -> [Int]? {
        guard let json = quietly({ try self.file.stringAttribute(RunLayout.Root.configuration, of: "/") }),
              let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let sizes = object["sizes"] as? [Any] else { return nil }
        let integers = sizes.compactMap { ($0 as? NSNumber)?.intValue }
        return integers.count == sizes.count ? integers : nil
    }

    /// The value, or nil (with HDF5's error stack cleared) when reading throws.
    private func quietly<T>(_ read: () throws -> T) -> T? {
        do {
            return try read()
        } catch {
            _ = HDF5Diagnostics.takeLatest()
            return nil
        }
    }

    // MARK: - The walk

    private func isRequired(_ presence: LayoutPresence) -> Bool {
        switch presence {
        case .always: return true
        case .whenComplete: return status == RunLayout.Status.complete
        case .optional: return false
        }
    }

    private func walk(_ declared: LayoutGroup, _ group: HDF5Handle, at location: String) {
        followGrowth()
        checkAttributes(declared.attributes, of: group, at: location)
        for dataset in declared.datasets {
            check(dataset, in: group, at: LayoutPath.join(location, dataset.name))
        }
        for child in declared.groups {
            let at = LayoutPath.join(location, child.name)
            if HDF5Introspection.objectKind(group, child.name) == .missing {
                if child.presence == .whenComplete && isRequired(child.presence) {
                    error(at, "missing group: the status is 'complete', so \(child.holds) must be stored")
                } else if isRequired(child.presence) {
                    error(at, "missing group")
                }
                continue
            }
            guard let handle = self.group(group, child.name, at: at) else { continue }
            if !child.acceptedAsIs { walk(child, handle, at: at) }
        }
        let names = declared.datasets.map(\.name) + declared.groups.map(\.name)
        warnAboutExtraLinks(group, at: location, known: Set(names))
        warnAboutOrder(group, at: location, declared: names)
    }

    /// Groups keep their entries in the documented order (the model's: W_1, V_1, Vbar_1, W_2, ...).
    private func warnAboutOrder(_ group: HDF5Handle, at location: String, declared: [String]) {
        guard let names = try? HDF5.linkNames(group, location) else { return }
        let present = names.filter { declared.contains($0) }
        let expected = declared.filter { names.contains($0) }
        if present != expected {
            warning(location, "entries are not in the documented order (\(expected.prefix(4).joined(separator: ", "))\(expected.count > 4 ? ", ..." : ""))")
        }
    }

    // MARK: - Attributes

    private func checkAttributes(_ declared: [LayoutAttribute], of object: HDF5Handle, at location: String) {
        for attribute in declared { check(attribute, of: object, at: location) }
        warnAboutExtraAttributes(object, at: location, known: Set(declared.map(\.name)))
    }

    private func check(_ attribute: LayoutAttribute, of object: HDF5Handle, at location: String) {
        let name = attribute.name, required = isRequired(attribute.presence)
        let found: AttributeValue?
        switch attribute.type {
        case .string: found = string(object, name, at: location, required: required).map(AttributeValue.string)
        case .int32: found = integer(object, name, at: location, type: .int32, required: required).map { .int32(Int32(clamping: $0)) }
        case .int64: found = integer(object, name, at: location, type: .int64, required: required).map(AttributeValue.int64)
        case .uint64: found = unsigned(object, name, at: location, type: .uint64, required: required).map(AttributeValue.uint64)
        case .float64: found = double(object, name, at: location, required: required).map(AttributeValue.float64)
        default:
            error(location, "attribute '\(name)': the layout declares the type \(attribute.type), which the validator cannot read")
            return
        }
        guard let found else { return }
        switch (attribute.check, found) {
        case (.none, _):
            break
        case (.equals(let expected), _):
            if found != expected { error(location, "attribute '\(name)' is \(found.quoted), expected \(expected.quoted)") }
        case (.oneOf(let allowed), .string(let value)):
            if !allowed.contains(value) {
                error(location, "attribute '\(name)' is '\(value)', expected \(allowed.map { "'\($0)'" }.joined(separator: " or "))")
            }
        case (.iso8601, .string(let value)):
            if ISO8601DateFormatter().date(from: value) == nil {
                error(location, "attribute '\(name)' is '\(value)', expected an ISO 8601 UTC time such as 2025-01-31T12:00:00Z")
            }
        case (.jsonObject, .string(let value)):
            if !((try? JSONSerialization.jsonObject(with: Data(value.utf8))) is [String: Any]) {
                error(location, "attribute '\(name)' is not a JSON object")
            }
        case (.phaseLabels, .string(let value)):
            if Self.phaseCodes(labels: value) == nil {
                error(location, "attribute '\(name)' is '\(value)', expected '\(RunLayout.Snapshots.phaseLabels)' (or the first of these phases)")
            }
        case (.integer(let range, let expected), _):
            if let value = found.integer, !range.contains(value) {
                error(location, "attribute '\(name)' is \(value), expected \(expected)")
            }
        case (.formatVersion, _):
            guard let version = found.integer else { return }
            formatVersion = Int(version)
            if version > Int64(RunLayout.formatVersion) {
                error(location, "format version \(version) is newer than this selfassemble knows (\(RunLayout.formatVersion)): validate it with a newer selfassemble")
            } else if version < 1 {
                error(location, "format version \(version) is not valid (versions start at 1)")
            }
        default:
            error(location, "attribute '\(name)': the layout declares a check the validator cannot apply to \(found.type)")
        }
    }

    /// The codes of a `labels` attribute of /snapshots/phase (`0=development,1=learning`), when
    /// every label agrees with ``RunLayout/phases`` (files written before a phase was added
    /// name only the phases they knew).
    static func phaseCodes(labels: String) -> [UInt8]? {
        var codes = [UInt8]()
        for pair in labels.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let code = UInt8(parts[0]),
                  RunLayout.phases.contains(where: { $0.code == code && $0.name == parts[1] })
                    || RunLayout.legacyPhaseNames[code] == parts[1] else { return nil }
            codes.append(code)
        }
        return codes.isEmpty ? nil : codes
    }

    // MARK: - Datasets

    private func check(_ declared: LayoutDataset, in group: HDF5Handle, at location: String) {
        followGrowth()
        if HDF5Introspection.objectKind(group, declared.name) == .missing {
            if isRequired(declared.presence) { error(location, "missing dataset (\(declared.type))") }
            return
        }
        guard let dataset = dataset(group, declared.name, at: location, type: declared.type) else { return }
        checkAttributes(declared.attributes, of: dataset, at: location)
        switch declared.shape {
        case .perSnapshot(let trailing):
            // Sizes the populations do not give cannot be checked.
            let known = trailing.compactMap { $0 }
            guard known.count == trailing.count, let shape = shape(dataset, at: location) else { return }
            guard shape.count == known.count + 1, Array(shape.dropFirst()) == known else {
                let expected = (["S"] + known.map(String.init)).joined(separator: ", ")
                error(location, "has shape \(shape), expected [\(expected)]\(known.isEmpty ? "" : " as the populations' sizes say")")
                return
            }
            switch declared.storage {
            case .oneSnapshotPerChunk(let compressible):
                checkGrowingStorage(dataset, at: location, trailing: known, chunk: [1] + known, filtersAllowed: compressible)
            case .entriesPerChunk(let entries):
                checkGrowingStorage(dataset, at: location, trailing: known, chunk: [entries] + known, filtersAllowed: false)
            case .contiguous:
                error(location, "the layout declares a per-snapshot dataset without chunks")
            }
            guard checkLength(shape[0], at: location) else { return }
            checkValues(declared, dataset, at: location, entries: min(shape[0], snapshotCount ?? shape[0]))
        case .fixed(let dimensions):
            guard let shape = shape(dataset, at: location) else { return }
            let matches = shape.count == dimensions.count && zip(shape, dimensions).allSatisfy { $1 == nil || $0 == $1 }
            guard matches else {
                error(location, "has shape \(shape), expected [\(dimensions.map { $0.map(String.init) ?? "any" }.joined(separator: ", "))]")
                return
            }
            checkValues(declared, dataset, at: location, entries: shape.first ?? 0)
        }
    }

    /// Reads the first `entries` entries (every completed snapshot of a per-snapshot dataset)
    /// and applies the declared check. Every value is read, so damaged data is found.
    private func checkValues(_ declared: LayoutDataset, _ dataset: HDF5Handle, at location: String, entries: Int) {
        if case .weights = declared.check {
            checkWeights(dataset, at: location, entries: entries)
            return
        }
        if case .float(_) = declared.type.kind {
            guard let values = values(dataset, at: location, first: entries, as: Double.self) else { return }
            if case .range(let range, let what) = declared.check,
               let bad = values.first(where: { $0.isFinite && !(range.lowerBound - 1e-6...range.upperBound + 1e-6).contains($0) }) {
                error(location, "holds \(bad), outside \(what)")
            }
            return
        }
        guard let values = values(dataset, at: location, first: entries, as: Int64.self) else { return }
        switch declared.check {
        case .snapshotSteps:
            steps = values
            if let first = values.first, first < 0 { error(location, "the first step is \(first), expected 0 or more") }
            if let i = values.indices.dropFirst().first(where: { values[$0] <= values[$0 - 1] }) {
                error(location, "steps are not strictly increasing: snapshot \(i) has step \(values[i]) after \(values[i - 1])")
            }
        case .phases:
            checkPhases(values, dataset, at: location)
        case .nonDecreasingCount:
            if let bad = values.first(where: { $0 < 0 }) {
                error(location, "holds the count \(bad), expected 0 or more")
            } else if let i = values.indices.dropFirst().first(where: { values[$0] < values[$0 - 1] }) {
                error(location, "decreases at snapshot \(i)")
            }
        case .onsetSteps:
            for (l, onset) in zip(1..., values) where onset != RunLayout.Assembly.notAssembled {
                if let steps, !steps.contains(onset) {
                    error(location, "level \(l) assembled at step \(onset), which is not a stored snapshot step (-1 means not assembled)")
                } else if onset < 0 {
                    error(location, "level \(l) has onset \(onset); expected -1 (not assembled) or a snapshot step")
                }
            }
        case .classNumbers:
            if values.first.map({ $0 < 0 }) ?? true || values.indices.dropFirst().contains(where: { values[$0] <= values[$0 - 1] }) {
                error(location, "holds \(values); expected class numbers >= 0, distinct and ascending")
            }
        case .none, .range, .weights:
            break
        }
    }

    /// Phase codes among those the file's labels name, in the order the phases come.
    private func checkPhases(_ codes: [Int64], _ dataset: HDF5Handle, at location: String) {
        let labels = (try? dataset.stringAttribute("labels", of: location)) ?? RunLayout.Snapshots.phaseLabels
        let known = Self.phaseCodes(labels: labels) ?? RunLayout.phases.map(\.code)
        if let bad = codes.first(where: { $0 < 0 || $0 > 255 || !known.contains(UInt8($0)) }) {
            error(location, "holds the phase code \(bad); the codes are \(labels)")
            return
        }
        let order = RunLayout.phases.map { Int64($0.code) }
        let rank = codes.map { code in order.firstIndex(of: code) ?? 0 }
        if let i = rank.indices.dropFirst().first(where: { rank[$0] < rank[$0 - 1] }) {
            let name = { (code: Int64) in RunLayout.phases.first { Int64($0.code) == code }?.name ?? String(code) }
            error(location, "snapshot \(i) is in \(name(codes[i])) after a snapshot in \(name(codes[i - 1])): the phases come in the order \(RunLayout.phases.map(\.name).joined(separator: ", "))")
        }
    }

    /// A series of weight matrices (or bias vectors): every completed snapshot read back.
    private func checkWeights(_ dataset: HDF5Handle, at location: String, entries: Int) {
        var nonFinite = 0
        for snapshot in 0..<entries {
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

    /// Per-snapshot datasets hold one entry per completed snapshot, or one more when the
    /// writer was interrupted in the middle of a snapshot (the step is written last). In a run
    /// still being written they may have grown further since the snapshots were counted: that
    /// stands as an error only if the file did not change while it was checked.
    func checkLength(_ count: Int, at location: String) -> Bool {
        guard let snapshots = snapshotCount else { return true }
        if count == snapshots || count == snapshots + 1 { return true }
        let message = "has \(count) entries for \(snapshots) snapshots (the length of /snapshots/step; one more is allowed after an interrupted snapshot)"
        if count > snapshots + 1 && mayBeWritten {
            pending.append(RunViolation(location: location, message: message))
            return true
        }
        error(location, message)
        return false
    }
}

extension AttributeValue {
    /// The value of an integer attribute.
    var integer: Int64? {
        switch self {
        case .int32(let v): return Int64(v)
        case .int64(let v): return v
        case .uint64(let v): return Int64(exactly: v)
        case .string, .float64: return nil
        }
    }
}
