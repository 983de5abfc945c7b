import CHDF5

/// A per-snapshot dataset of the layout, whatever its element type: what the writer appends to
/// and what a continued run cuts back to its completed snapshots.
protocol SnapshotSeries: AnyObject {
    var handle: HDF5Handle { get }
    var path: String { get }
    /// Writes entry `index` (growing the dataset if needed; writing an index again overwrites it).
    func write(_ values: LayoutValues, at index: Int, file: String) throws
    /// Number of entries along the snapshot axis.
    func count(file: String) throws -> Int
    /// Cuts the dataset to its first `count` entries.
    func truncate(to count: Int, file: String) throws
}

extension ExtendibleDataset: SnapshotSeries {
    func write(_ values: LayoutValues, at index: Int, file: String) throws {
        guard let array = values.array(of: Element.self) else {
            throw StoreError("cannot write \(path) in \(file): the values are not of the dataset's type")
        }
        try write(array, at: index, file: file)
    }
}

extension StringSeries: SnapshotSeries {
    func write(_ values: LayoutValues, at index: Int, file: String) throws {
        guard case .string(let text) = values else {
            throw StoreError("cannot write \(path) in \(file): expected one text per snapshot")
        }
        try write(text, at: index, file: file)
    }

    func count(file: String) throws -> Int {
        try HDF5.shape(of: handle, "\(path) in \(file)").first ?? 0
    }
}

/// Creating and opening the per-snapshot datasets a declaration names.
enum SnapshotSeriesStore {
    /// Creates the dataset `declared` at `path` (in `parent`) with 0 entries.
    /// - Parameter compressionLevel: the deflate level of compressible datasets (0: none).
    static func create(_ declared: LayoutDataset, at path: String, in parent: HDF5Handle, compressionLevel: Int, file: String) throws -> SnapshotSeries {
        guard case .perSnapshot(let known) = declared.shape else {
            throw StoreError("\(path) is not a per-snapshot dataset")
        }
        let trailing = try known.map { size -> Int in
            guard let size else { throw StoreError("cannot create \(path) in \(file): its shape is not known") }
            return size
        }
        let chunk: [Int], level: Int
        switch declared.storage {
        case .oneSnapshotPerChunk(let compressible):
            chunk = [1] + trailing
            level = compressible ? compressionLevel : 0
        case .entriesPerChunk(let entries):
            chunk = [entries] + trailing
            level = 0
        case .contiguous:
            throw StoreError("\(path) grows one snapshot at a time, which needs chunked storage")
        }
        if declared.type.isString {
            return try StringSeries(creating: path, in: parent, chunk: chunk[0], file: file)
        }
        func make<T: HDF5Element>(_: T.Type) throws -> SnapshotSeries {
            try ExtendibleDataset<T>(creating: path, in: parent, trailing: trailing, chunk: chunk, compressionLevel: level, file: file)
        }
        return try make(try elementType(declared.type, path: path))
    }

    /// Opens the dataset `declared` of a file written earlier.
    static func open(_ declared: LayoutDataset, at path: String, in parent: HDF5Handle, file: String) throws -> SnapshotSeries {
        if declared.type.isString { return try StringSeries(opening: path, in: parent, file: file) }
        func make<T: HDF5Element>(_: T.Type) throws -> SnapshotSeries {
            try ExtendibleDataset<T>(opening: path, in: parent, file: file)
        }
        return try make(try elementType(declared.type, path: path))
    }

    /// The Swift type that holds values of a declared numeric type.
    private static func elementType(_ type: StoredType, path: String) throws -> any HDF5Element.Type {
        for swiftType: any HDF5Element.Type in [Float.self, Double.self, Int64.self, Int32.self, UInt8.self, UInt64.self]
        where StoredType(element: swiftType) == type {
            return swiftType
        }
        throw StoreError("\(path): the store cannot write a series of \(type)")
    }
}
