import CHDF5
import Foundation

/// The stored type of an attribute or dataset, in the terms docs/hdf5-format.md uses
/// (int32, uint8, float64, string ...), so that the validator can compare what a file holds
/// with what the layout documents and name the difference in a message.
struct StoredType: Equatable, CustomStringConvertible {
    enum Kind: Equatable {
        case integer(signed: Bool, bytes: Int)
        case float(bytes: Int)
        case string(variableLength: Bool)
        case other(String)
    }

    var kind: Kind

    static let int32 = StoredType(kind: .integer(signed: true, bytes: 4))
    static let int64 = StoredType(kind: .integer(signed: true, bytes: 8))
    static let uint8 = StoredType(kind: .integer(signed: false, bytes: 1))
    static let uint64 = StoredType(kind: .integer(signed: false, bytes: 8))
    static let float32 = StoredType(kind: .float(bytes: 4))
    static let float64 = StoredType(kind: .float(bytes: 8))
    /// Variable-length UTF-8 text, what the store writes (the validator accepts any string).
    static let string = StoredType(kind: .string(variableLength: true))

    /// The stored type of a Swift number type.
    init<T: HDF5Element>(element _: T.Type) {
        let size = MemoryLayout<T>.size
        if T.typeClass == H5T_FLOAT {
            kind = .float(bytes: size)
        } else {
            kind = .integer(signed: !(T.self == UInt8.self || T.self == UInt64.self), bytes: size)
        }
    }

    var isString: Bool {
        if case .string = kind { return true }
        return false
    }

    var description: String {
        switch kind {
        case .integer(let signed, let bytes): return (signed ? "int" : "uint") + String(bytes * 8)
        case .float(let bytes): return "float" + String(bytes * 8)
        case .string(let variable): return variable ? "string" : "fixed-length string"
        case .other(let name): return name
        }
    }

    /// Reads the type of an open attribute or dataset's datatype handle.
    init(datatype: hid_t) {
        let size = H5Tget_size(datatype)
        switch H5Tget_class(datatype) {
        case H5T_INTEGER:
            kind = .integer(signed: H5Tget_sign(datatype) != H5T_SGN_NONE, bytes: size)
        case H5T_FLOAT:
            kind = .float(bytes: size)
        case H5T_STRING:
            kind = .string(variableLength: H5Tis_variable_str(datatype) > 0)
        case H5T_COMPOUND: kind = .other("compound")
        case H5T_ENUM: kind = .other("enum")
        case H5T_ARRAY: kind = .other("array")
        case H5T_VLEN: kind = .other("variable-length sequence")
        case H5T_REFERENCE: kind = .other("reference")
        case H5T_OPAQUE: kind = .other("opaque")
        case H5T_BITFIELD: kind = .other("bitfield")
        default: kind = .other("unknown type")
        }
        _ = HDF5Diagnostics.takeLatest()
    }

    init(kind: Kind) { self.kind = kind }
}

/// What kind of object a link in a group points to.
enum StoredObjectKind: Equatable {
    case missing, group, dataset, other
}

/// Read-only questions about a file's structure (what exists, of which type, stored how) that
/// the run reader does not need but the validator and inspection do. Every function answers
/// for foreign and damaged files too: failures become nil, `.other` or a thrown StoreError,
/// never a trap.
enum HDF5Introspection {
    /// Opens an existing file read-only without an HDF5 file lock (as RunReader does), with a
    /// one-line error for each way a path can fail to be an HDF5 file.
    static func openFile(_ path: String) throws -> HDF5Handle {
        HDF5Diagnostics.silence()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreError("no such file: \(path); check the path of the run file")
        }
        guard !isDirectory.boolValue else {
            throw StoreError("\(path) is a directory, not a run file; give the path of a .h5 run file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw StoreError("cannot read \(path): permission denied; check the file's permissions")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        guard size > 0 else {
            throw StoreError("\(path) is empty (0 bytes), not an HDF5 file; the run that wrote it may have failed before creating its layout")
        }
        let isHDF5 = H5Fis_hdf5(path)
        if isHDF5 < 0 { throw HDF5Diagnostics.error("cannot read \(path) as HDF5: the file is truncated or damaged") }
        guard isHDF5 > 0 else {
            throw StoreError("\(path) is not an HDF5 file; expected a selfassemble run file (.h5)")
        }
        return try openReadOnly(path)
    }

    /// Opens an HDF5 file read-only, without an HDF5 file lock: a run can be read while it is
    /// written (the writer flushes after every snapshot, and holds no lock either), and a
    /// stale lock never blocks reading. Opening again while it fails on a file that is being
    /// written (see ``FileStamp/retryingWhileWritten(_:attempts:_:)``).
    static func openReadOnly(_ path: String) throws -> HDF5Handle {
        try HDF5Screen.check(path)
        let fapl = try HDF5.propertyList(sa_H5P_FILE_ACCESS(), "file access")
        try check(H5Pset_file_locking(fapl.id, false, true), "cannot open \(path)")
        return try FileStamp.retryingWhileWritten(path) {
            try HDF5Handle(H5Fopen(path, sa_H5F_ACC_RDONLY(), fapl.id), .file,
                           "cannot open \(path): the HDF5 file is truncated or damaged")
        }
    }

    /// Lets a reader see what a writer has added since the file was opened: HDF5 refuses to
    /// read past the end of the file as it was at opening ("addr overflow"), and what a running
    /// writer adds (chunks, index nodes) lies there. For files that may still be written only:
    /// a truncated file keeps its end and is still found truncated.
    static func followGrowth(_ file: HDF5Handle) {
        _ = try? takePhysicalEnd(file, "cannot follow the growth of a file")
    }

    /// Takes the file's physical end as HDF5's end of file (what `h5clear --increment=0` does):
    /// for a reader, what a running writer added since opening; for a writer that continues a
    /// killed run, metadata that a flush wrote before the superblock recording the new end
    /// (HDF5 writes it last). Throws `what` with HDF5's reason.
    static func takePhysicalEnd(_ file: HDF5Handle, _ what: String) throws {
        try check(H5Fincrement_filesize(file.id, 0), what)
    }

    /// The kind of object `name` (a path relative to `parent`) refers to.
    static func objectKind(_ parent: HDF5Handle, _ name: String) -> StoredObjectKind {
        guard HDF5.linkExists(parent, name) else { return .missing }
        let object = H5Oopen(parent.id, name, sa_H5P_DEFAULT())
        guard object >= 0 else { _ = HDF5Diagnostics.takeLatest(); return .other }
        defer { H5Oclose(object) }
        switch H5Iget_type(object) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return .other
        }
    }

    /// The names of an object's attributes (in name order).
    static func attributeNames(_ object: HDF5Handle) -> [String] {
        var names = [String]()
        // There is no version-independent count of attributes in HDF5 1.10's API without the
        // deprecated H5Aget_num_attrs; asking by index until it fails is, and it is bounded.
        for index in 0..<10_000 {
            let length = H5Aget_name_by_idx(object.id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), nil, 0, sa_H5P_DEFAULT())
            guard length >= 0 else { _ = HDF5Diagnostics.takeLatest(); break }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            guard H5Aget_name_by_idx(object.id, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(index), &buffer, buffer.count, sa_H5P_DEFAULT()) >= 0 else {
                _ = HDF5Diagnostics.takeLatest()
                break
            }
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// The stored type of an attribute and the number of values it holds (1 for a scalar);
    /// nil when it is missing or unreadable.
    static func attributeType(_ object: HDF5Handle, _ name: String) -> (type: StoredType, count: Int)? {
        guard object.hasAttribute(name),
              let attribute = try? HDF5Handle(H5Aopen(object.id, name, sa_H5P_DEFAULT()), .attribute, "attribute \(name)"),
              let type = try? HDF5Handle(H5Aget_type(attribute.id), .datatype, "attribute \(name)"),
              let space = try? HDF5Handle(H5Aget_space(attribute.id), .dataspace, "attribute \(name)") else {
            _ = HDF5Diagnostics.takeLatest()
            return nil
        }
        let count = H5Sget_simple_extent_npoints(space.id)
        return (StoredType(datatype: type.id), count < 0 ? 0 : Int(count))
    }

    static func datasetType(_ dataset: HDF5Handle) -> StoredType {
        guard let type = try? HDF5Handle(H5Dget_type(dataset.id), .datatype, "dataset type") else {
            return StoredType(kind: .other("unreadable type"))
        }
        return StoredType(datatype: type.id)
    }

    /// The maximum shape of a dataset; nil entries are unlimited.
    static func maximumShape(_ dataset: HDF5Handle, _ what: String) throws -> [Int?] {
        let space = try HDF5Handle(H5Dget_space(dataset.id), .dataspace, "cannot read the shape of \(what)")
        let rank = H5Sget_simple_extent_ndims(space.id)
        guard rank >= 0 else { throw HDF5Diagnostics.error("cannot read the shape of \(what)") }
        var current = [hsize_t](repeating: 0, count: Int(rank))
        var maximum = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 {
            guard H5Sget_simple_extent_dims(space.id, &current, &maximum) >= 0 else {
                throw HDF5Diagnostics.error("cannot read the shape of \(what)")
            }
        }
        return maximum.map { $0 == sa_H5S_UNLIMITED() ? nil : Int(clamping: $0) }
    }

    /// How a dataset is stored: its chunk shape (nil when it is not chunked) and the ids of
    /// its filters in pipeline order (1 deflate, 2 shuffle, ...).
    static func storage(_ dataset: HDF5Handle, _ what: String) throws -> (chunk: [Int]?, filters: [Int32]) {
        let dcpl = try HDF5Handle(H5Dget_create_plist(dataset.id), .propertyList, "cannot read the storage of \(what)")
        guard H5Pget_layout(dcpl.id) == H5D_CHUNKED else {
            _ = HDF5Diagnostics.takeLatest()
            return (nil, [])
        }
        var chunk = [hsize_t](repeating: 0, count: 32)
        let rank = H5Pget_chunk(dcpl.id, Int32(chunk.count), &chunk)
        guard rank >= 0 else { throw HDF5Diagnostics.error("cannot read the chunk shape of \(what)") }
        let count = H5Pget_nfilters(dcpl.id)
        var filters = [Int32]()
        if count > 0 {
            for index in 0..<UInt32(count) {
                var flags: UInt32 = 0
                var values = [UInt32](repeating: 0, count: 8)
                var elements = values.count
                var name = [CChar](repeating: 0, count: 64)
                var config: UInt32 = 0
                let id = H5Pget_filter2(dcpl.id, index, &flags, &elements, &values, name.count, &name, &config)
                filters.append(id)
            }
        }
        _ = HDF5Diagnostics.takeLatest()
        return (chunk.prefix(Int(min(rank, 32))).map { Int(clamping: $0) }, filters)
    }
}
