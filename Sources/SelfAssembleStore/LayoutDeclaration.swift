import SelfAssemble

/// The building blocks of the run file's layout declaration (RunLayout+Declaration.swift): one
/// table of groups, datasets and attributes that the writer creates and fills, the resume path
/// reopens and cuts, and the validator checks, so that the three cannot drift apart. Adding a
/// group or dataset to the table is the whole change: the writer writes it, a continued run
/// carries it, `selfassemble validate` checks it.

/// When the writer sets a value of the layout, with what the value is computed from.
enum LayoutMoment {
    /// The file is created, before the first snapshot.
    case creation(RunMetadata)
    /// A snapshot is appended.
    case snapshot(Snapshot)
    /// The run has finished.
    case finish(RunOutcomes)

    var isCreation: Bool {
        if case .creation = self { return true }
        return false
    }
}

/// What a finished run stores: the circuit's own outcome and the optional comparison with
/// backpropagation.
struct RunOutcomes {
    var circuit: SimulationSummary
    var comparison: SimulationSummary?
    /// bp at its best weight decay (/comparison/bp_tuned), when the run was compared with bp.
    var tunedComparison: TunedBackprop? = nil
}

/// Whether the validator requires an object.
enum LayoutPresence: Equatable {
    case always
    /// Required once `status` is "complete" (the outcome, the finishing time).
    case whenComplete
    case optional
}

/// One scalar attribute value, of one of the types the layout uses.
enum AttributeValue: Equatable {
    case string(String)
    case int32(Int32)
    case int64(Int64)
    case uint64(UInt64)
    case float64(Double)

    var type: StoredType {
        switch self {
        case .string: return .string
        case .int32: return .int32
        case .int64: return .int64
        case .uint64: return .uint64
        case .float64: return .float64
        }
    }

    /// As the validator's messages quote it: strings in quotes, numbers bare.
    var quoted: String {
        switch self {
        case .string(let text): return "'\(text)'"
        case .int32(let v): return String(v)
        case .int64(let v): return String(v)
        case .uint64(let v): return String(v)
        case .float64(let v): return String(v)
        }
    }
}

/// The values of one dataset entry, or of a whole fixed dataset, flattened in row-major order.
enum LayoutValues {
    case float32([Float])
    case float64([Double])
    case int32([Int32])
    case int64([Int64])
    case uint8([UInt8])
    /// One text (per-snapshot string series hold one per snapshot).
    case string(String)

    /// The bytes the values take uncompressed (a text: its UTF-8 bytes and a reference).
    var byteCount: Int {
        switch self {
        case .float32(let v): return v.count * 4
        case .float64(let v): return v.count * 8
        case .int32(let v): return v.count * 4
        case .int64(let v): return v.count * 8
        case .uint8(let v): return v.count
        case .string(let text): return text.utf8.count + 16
        }
    }

    /// The values as `T`, nil when they are of another type. No copy: `as? [T]` of a generic
    /// `T` casts element by element (a third of the store's time for a snapshot of MNIST's
    /// weights), so the element type is compared once and the array reinterpreted.
    func array<T>(of _: T.Type) -> [T]? {
        switch self {
        case .float32(let v): return Self.same(v, as: T.self)
        case .float64(let v): return Self.same(v, as: T.self)
        case .int32(let v): return Self.same(v, as: T.self)
        case .int64(let v): return Self.same(v, as: T.self)
        case .uint8(let v): return Self.same(v, as: T.self)
        case .string: return nil
        }
    }

    private static func same<U, T>(_ values: [U], as _: T.Type) -> [T]? {
        U.self == T.self ? unsafeBitCast(values, to: [T].self) : nil
    }
}

/// What the validator checks of an attribute's value, beyond its type and that it holds one value.
enum AttributeCheck {
    case none
    /// Fixed by the layout: the writer writes exactly this.
    case equals(AttributeValue)
    case oneOf([String])
    /// An ISO 8601 UTC time such as 2025-01-31T12:00:00Z.
    case iso8601
    /// JSON text of an object.
    case jsonObject
    /// An integer within the range; the message says what is expected, e.g. "K >= 1".
    case integer(ClosedRange<Int64>, expected: String)
    /// A format version this selfassemble reads.
    case formatVersion
    /// `code=name` pairs that agree with ``RunLayout/phases``.
    case phaseLabels
}

/// One attribute of a group or dataset.
struct LayoutAttribute {
    var name: String
    var type: StoredType
    var presence: LayoutPresence = .always
    var check: AttributeCheck = .none
    /// What the writer stores at a moment; nil: nothing at that moment.
    var value: (LayoutMoment) -> AttributeValue?

    /// An attribute whose value the layout fixes: written when the object is created and
    /// compared by the validator.
    static func fixed(_ name: String, _ value: AttributeValue) -> LayoutAttribute {
        LayoutAttribute(name: name, type: value.type, check: .equals(value)) { $0.isCreation ? value : nil }
    }

    /// An attribute written when the object is created, its value taken from the run.
    static func atCreation(_ name: String, _ type: StoredType, check: AttributeCheck = .none,
                           _ value: @escaping (RunMetadata) -> AttributeValue?) -> LayoutAttribute {
        LayoutAttribute(name: name, type: type, check: check) { moment in
            if case .creation(let metadata) = moment { return value(metadata) }
            return nil
        }
    }

    /// A string attribute describing the object in words (any text passes the validator, so that
    /// files written with older wording stay valid).
    static func description(_ text: String) -> LayoutAttribute {
        atCreation("description", .string) { _ in .string(text) }
    }
}

/// The shape of a dataset; nil sizes are unknown to the validator (it skips what it cannot know).
enum LayoutShape {
    /// One entry per snapshot: shape [S, trailing...], maximum shape [unlimited, trailing...].
    case perSnapshot(trailing: [Int?])
    /// Written whole, at creation or when the run finishes; nil: any length.
    case fixed([Int?])
}

/// How a dataset is stored.
enum LayoutStorage: Equatable {
    /// Chunks of exactly one snapshot ([1, trailing...]): reading a snapshot decompresses one
    /// chunk, and a snapshot's bytes never share a chunk with the next one. `compressible`:
    /// shuffle then deflate at the writer's compression level (or no filters at level 0).
    case oneSnapshotPerChunk(compressible: Bool)
    /// A one-dimensional series chunked in runs of this many entries, no filters (one value
    /// per chunk would cost far more in chunk index than in data).
    case entriesPerChunk(Int)
    /// Written once, stored contiguously.
    case contiguous
}

/// What the validator checks of a dataset's values (of the completed snapshots).
enum DatasetCheck {
    case none
    /// The snapshot steps: >= 0 and strictly increasing.
    case snapshotSteps
    /// Phase codes that the `labels` attribute names, in the order of ``RunLayout/phases``.
    case phases
    /// Counts (epochs): >= 0 and never decreasing.
    case nonDecreasingCount
    /// Finite values within the range (NaN allowed where a value is not defined).
    case range(ClosedRange<Double>, what: String)
    /// Weights: every snapshot is read back (which finds damaged chunks); non-finite values
    /// are a warning.
    case weights
    /// One assembly onset per level: -1 or a stored snapshot step.
    case onsetSteps
    /// Class numbers: >= 0, distinct and ascending.
    case classNumbers
}

/// One dataset of the layout.
struct LayoutDataset {
    var name: String
    var type: StoredType
    var shape: LayoutShape
    var storage: LayoutStorage
    var attributes: [LayoutAttribute] = []
    var presence: LayoutPresence = .always
    var check: DatasetCheck = .none
    /// The dataset whose length is the number of completed snapshots (/snapshots/step): the
    /// writer writes it last in every snapshot, and readers cut the other series to it.
    var countsSnapshots = false
    /// What the writer stores at a moment: one entry at `.snapshot` for a per-snapshot
    /// dataset, the whole contents for a fixed one; nil: nothing at that moment. Throws a
    /// StoreError when a snapshot does not fit the layout.
    var values: (LayoutMoment) throws -> LayoutValues?

    var isPerSnapshot: Bool {
        if case .perSnapshot = shape { return true }
        return false
    }
}

/// One group of the layout (the root is the group named "/").
struct LayoutGroup {
    var name: String
    var presence: LayoutPresence = .always
    /// For messages: what the group holds, e.g. "the run's outcome".
    var holds: String = ""
    /// Whether the writer creates the group at a moment (most at `.creation`; the outcome
    /// when the run finishes).
    var createdAt: (LayoutMoment) -> Bool = { $0.isCreation }
    /// The validator knows the group but does not look inside (its records are for the writer,
    /// which checks them itself).
    var acceptedAsIs = false
    var attributes: [LayoutAttribute] = []
    var datasets: [LayoutDataset] = []
    var groups: [LayoutGroup] = []

    /// Every dataset below this group with its HDF5 path, in declaration order.
    func datasetsWithPaths(at path: String) -> [(path: String, dataset: LayoutDataset)] {
        datasets.map { (LayoutPath.join(path, $0.name), $0) }
            + groups.flatMap { $0.datasetsWithPaths(at: LayoutPath.join(path, $0.name)) }
    }

    /// The per-snapshot datasets below this group, the snapshot counter last: the order in which
    /// the writer appends a snapshot.
    func perSnapshotDatasets() -> [(path: String, dataset: LayoutDataset)] {
        let series = datasetsWithPaths(at: name).filter { $0.dataset.isPerSnapshot }
        return series.filter { !$0.dataset.countsSnapshots } + series.filter { $0.dataset.countsSnapshots }
    }
}

/// HDF5 paths of the layout.
enum LayoutPath {
    static func join(_ parent: String, _ name: String) -> String {
        parent == "/" ? "/" + name : parent + "/" + name
    }

    /// "/projections/W_1" -> ("/projections", "W_1").
    static func split(_ path: String) -> (parent: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("/", path) }
        let parent = String(path[..<slash])
        return (parent.isEmpty ? "/" : parent, String(path[path.index(after: slash)...]))
    }
}

/// The circuit's sizes as far as they are known: all of them for the writer, those the
/// populations declare for the validator of a file (nil where a size cannot be read).
struct RunShape {
    var levels: Int
    /// n_0 ... n_L.
    var upstream: [Int?]
    /// m_1 ... m_L.
    var downstream: [Int?]
    /// The rule's feedback projections (/feedback), in storage order, with their shapes as far
    /// as they are known: the run's for the writer, what the file holds for the validator.
    var feedback: [(name: String, rows: Int?, cols: Int?)]

    init(levels: Int, upstream: [Int?], downstream: [Int?], feedback: [(name: String, rows: Int?, cols: Int?)] = []) {
        self.levels = levels
        self.upstream = upstream
        self.downstream = downstream
        self.feedback = feedback
    }

    init(_ architecture: Architecture, feedback: [StoredFeedback] = []) {
        self.init(levels: architecture.levels, upstream: architecture.upstreamSizes, downstream: architecture.downstreamSizes,
                  feedback: feedback.map { ($0.name, $0.rows, $0.cols) })
    }

    func n(_ l: Int) -> Int? { upstream.indices.contains(l) ? upstream[l] : nil }
    func m(_ l: Int) -> Int? { downstream.indices.contains(l - 1) ? downstream[l - 1] : nil }

    func size(of stream: SelfAssemble.Stream, level l: Int) -> Int? { stream == .upstream ? n(l) : m(l) }
}
