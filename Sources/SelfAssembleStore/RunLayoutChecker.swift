import CHDF5
import Foundation

/// The machinery of RunValidator: opens objects and reads attributes while recording, instead
/// of throwing, every departure from the layout, so that one pass lists them all. The checks
/// of each part of the layout are in RunLayoutChecks.swift.
final class RunLayoutChecker {
    let file: HDF5Handle
    let path: String
    private(set) var findings: [RunViolation] = []
    /// Findings that stand only if the file did not change while it was checked: in a run
    /// still being written, datasets grow past the snapshots that were counted.
    var pending: [RunViolation] = []

    /// Filled in as the checks learn them; the report shows them.
    var formatVersion: Int?
    var snapshotCount: Int?
    var status: String?
    /// The steps of the completed snapshots, once /snapshots/step is checked.
    var steps: [Int64]?

    /// - Parameter snapshotCount: the snapshots to check (the length of /snapshots/step when the
    ///   check began); nil: counted when the check begins.
    init(file: HDF5Handle, path: String, snapshotCount: Int? = nil) {
        self.file = file
        self.path = path
        self.snapshotCount = snapshotCount
    }

    /// True for a file whose status says a writer may still be adding to it.
    var mayBeWritten: Bool { status == RunLayout.Status.running }

    /// See ``HDF5Introspection/followGrowth(_:)``; only for a file that may be written.
    func followGrowth() {
        if mayBeWritten { HDF5Introspection.followGrowth(file) }
    }

    func error(_ location: String, _ message: String) {
        findings.append(RunViolation(location: location, message: HDF5Diagnostics.oneLine(message), severity: .error))
    }

    func warning(_ location: String, _ message: String) {
        findings.append(RunViolation(location: location, message: HDF5Diagnostics.oneLine(message), severity: .warning))
    }

    /// A StoreError's message without the file path, which every finding would otherwise repeat.
    func reason(_ error: Error) -> String {
        String(describing: error).replacingOccurrences(of: " in \(path)", with: "")
    }

    // MARK: - Objects

    /// Opens a group that the layout requires (or allows, when `required` is false).
    func group(_ parent: HDF5Handle, _ name: String, at location: String, required: Bool = true) -> HDF5Handle? {
        switch HDF5Introspection.objectKind(parent, name) {
        case .missing:
            if required { error(location, "missing group") }
            return nil
        case .dataset:
            error(location, "is a dataset, expected a group")
            return nil
        case .other:
            error(location, "is not a group (or cannot be opened)")
            return nil
        case .group:
            do {
                return try HDF5Handle(H5Gopen2(parent.id, name, sa_H5P_DEFAULT()), .group, "cannot open the group")
            } catch {
                self.error(location, reason(error))
                return nil
            }
        }
    }

    /// Opens a dataset the layout requires and checks its stored type.
    func dataset(_ parent: HDF5Handle, _ name: String, at location: String, type: StoredType, required: Bool = true) -> HDF5Handle? {
        switch HDF5Introspection.objectKind(parent, name) {
        case .missing:
            if required { error(location, "missing dataset (\(type))") }
            return nil
        case .group:
            error(location, "is a group, expected a \(type) dataset")
            return nil
        case .other:
            error(location, "is not a dataset (or cannot be opened)")
            return nil
        case .dataset:
            let dataset: HDF5Handle
            do {
                dataset = try HDF5Handle(H5Dopen2(parent.id, name, sa_H5P_DEFAULT()), .dataset, "cannot open the dataset")
            } catch {
                self.error(location, reason(error))
                return nil
            }
            let stored = HDF5Introspection.datasetType(dataset)
            guard stored == type || (type.isString && stored.isString) else {
                error(location, "is \(stored), expected \(type)")
                return nil
            }
            return dataset
        }
    }

    /// The current shape, or nil (with a finding) when it cannot be read.
    func shape(_ dataset: HDF5Handle, at location: String) -> [Int]? {
        do {
            return try HDF5.shape(of: dataset, location)
        } catch {
            self.error(location, reason(error))
            return nil
        }
    }

    /// Checks a per-snapshot dataset's storage: grows along its first axis (maximum shape
    /// [unlimited, trailing...]), chunked as documented, with the documented filters.
    func checkGrowingStorage(_ dataset: HDF5Handle, at location: String, trailing: [Int], chunk expectedChunk: [Int], filtersAllowed: Bool) {
        do {
            let maximum = try HDF5Introspection.maximumShape(dataset, location)
            let expected: [Int?] = [nil] + trailing.map { Optional($0) }
            if maximum != expected {
                error(location, "maximum shape \(Self.format(maximum)), expected \(Self.format(expected)) (unlimited along the snapshot axis)")
            }
            let (chunk, filters) = try HDF5Introspection.storage(dataset, location)
            if let chunk {
                if chunk != expectedChunk {
                    let message = "chunk shape \(chunk), expected \(expectedChunk)"
                    // One snapshot per chunk is what keeps an interrupted snapshot from
                    // sharing a chunk with a completed one; the scalar series' chunk length
                    // only affects speed.
                    if trailing.isEmpty { warning(location, message) } else { error(location, message + " (one snapshot per chunk)") }
                }
            } else {
                error(location, "is not chunked; the layout grows it one snapshot at a time, which needs chunked storage")
            }
            let shuffle: Int32 = 2, deflate: Int32 = 1
            if !filtersAllowed && !filters.isEmpty {
                warning(location, "has filters \(filters); the layout stores it without filters")
            } else if filtersAllowed && !(filters.isEmpty || filters == [shuffle, deflate]) {
                warning(location, "has filters \(filters); the layout uses shuffle (2) then deflate (1), or none")
            }
        } catch {
            self.error(location, reason(error))
        }
    }

    static func format(_ shape: [Int?]) -> String {
        "[" + shape.map { $0.map(String.init) ?? "unlimited" }.joined(separator: ", ") + "]"
    }

    // MARK: - Attributes

    /// Looks an attribute up and checks its type and that it holds one value; nil with a
    /// finding otherwise (no finding for a missing optional one).
    private func checkedAttribute(_ object: HDF5Handle, _ name: String, at location: String, type: StoredType?, required: Bool) -> Bool {
        let expected = type.map(String.init(describing:)) ?? "string"
        guard let (stored, count) = HDF5Introspection.attributeType(object, name) else {
            if required { error(location, "missing attribute '\(name)' (\(expected))") }
            return false
        }
        if let type {
            guard stored == type else {
                error(location, "attribute '\(name)' is \(stored), expected \(type)")
                return false
            }
        } else if !stored.isString {
            error(location, "attribute '\(name)' is \(stored), expected a string")
            return false
        }
        guard count == 1 else {
            error(location, "attribute '\(name)' holds \(count) values, expected one")
            return false
        }
        return true
    }

    func string(_ object: HDF5Handle, _ name: String, at location: String, required: Bool = true) -> String? {
        guard checkedAttribute(object, name, at: location, type: nil, required: required) else { return nil }
        do {
            return try object.stringAttribute(name, of: location)
        } catch {
            self.error(location, "attribute '\(name)': \(reason(error))")
            return nil
        }
    }

    func integer(_ object: HDF5Handle, _ name: String, at location: String, type: StoredType, required: Bool = true) -> Int64? {
        guard checkedAttribute(object, name, at: location, type: type, required: required) else { return nil }
        do {
            return try object.integerAttribute(name, of: location)
        } catch {
            self.error(location, "attribute '\(name)': \(reason(error))")
            return nil
        }
    }

    func unsigned(_ object: HDF5Handle, _ name: String, at location: String, type: StoredType, required: Bool = true) -> UInt64? {
        guard checkedAttribute(object, name, at: location, type: type, required: required) else { return nil }
        do {
            return try object.unsignedAttribute(name, of: location)
        } catch {
            self.error(location, "attribute '\(name)': \(reason(error))")
            return nil
        }
    }

    func double(_ object: HDF5Handle, _ name: String, at location: String, required: Bool = true) -> Double? {
        guard checkedAttribute(object, name, at: location, type: .float64, required: required) else { return nil }
        do {
            return try object.doubleAttribute(name, of: location)
        } catch {
            self.error(location, "attribute '\(name)': \(reason(error))")
            return nil
        }
    }

    /// Warns about attributes the layout does not document.
    func warnAboutExtraAttributes(_ object: HDF5Handle, at location: String, known: Set<String>) {
        for name in HDF5Introspection.attributeNames(object) where !known.contains(name) {
            warning(location, "attribute '\(name)' is not part of the documented layout")
        }
    }

    /// Warns about links the layout does not document.
    func warnAboutExtraLinks(_ group: HDF5Handle, at location: String, known: Set<String>, what: String = "entry") {
        guard let names = try? HDF5.linkNames(group, location) else {
            error(location, "cannot list the group's entries")
            return
        }
        for name in names where !known.contains(name) {
            let child = location == "/" ? "/" + name : location + "/" + name
            warning(child, "\(what) is not part of the documented layout")
        }
    }

    // MARK: - Values

    /// Reads the first `count` values of a one-dimensional dataset; nil with a finding when they
    /// cannot be read.
    func values<T: HDF5Element>(_ dataset: HDF5Handle, at location: String, first count: Int, as _: T.Type) -> [T]? {
        do {
            return try DatasetIO.readPrefix(dataset, count: count, as: T.self, location)
        } catch {
            self.error(location, reason(error))
            return nil
        }
    }
}
