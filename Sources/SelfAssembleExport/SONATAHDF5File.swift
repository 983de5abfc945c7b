import CHDF5
import Foundation

/// A number type as SONATA files store it: the file type is fixed little-endian (the SONATA
/// conventions name them: uint64 = H5T_STD_U64LE, float = H5T_IEEE_F32LE, ...). Both types
/// are returned as copies the caller closes, because the C shim has no uint32 constants and
/// uint32 is derived from int32 by changing its sign.
protocol SONATAElement {
    static func fileType() -> hid_t
    static func memoryType() -> hid_t
}

extension UInt64: SONATAElement {
    static func fileType() -> hid_t { H5Tcopy(sa_H5T_STD_U64LE()) }
    static func memoryType() -> hid_t { H5Tcopy(sa_H5T_NATIVE_UINT64()) }
}

extension Int64: SONATAElement {
    static func fileType() -> hid_t { H5Tcopy(sa_H5T_STD_I64LE()) }
    static func memoryType() -> hid_t { H5Tcopy(sa_H5T_NATIVE_INT64()) }
}

extension Int32: SONATAElement {
    static func fileType() -> hid_t { H5Tcopy(sa_H5T_STD_I32LE()) }
    static func memoryType() -> hid_t { H5Tcopy(sa_H5T_NATIVE_INT32()) }
}

extension UInt32: SONATAElement {
    static func fileType() -> hid_t { unsigned(H5Tcopy(sa_H5T_STD_I32LE())) }
    static func memoryType() -> hid_t { unsigned(H5Tcopy(sa_H5T_NATIVE_INT32())) }

    private static func unsigned(_ type: hid_t) -> hid_t {
        if type >= 0 { H5Tset_sign(type, H5T_SGN_NONE) }
        return type
    }
}

extension Float: SONATAElement {
    static func fileType() -> hid_t { H5Tcopy(sa_H5T_IEEE_F32LE()) }
    static func memoryType() -> hid_t { H5Tcopy(sa_H5T_NATIVE_FLOAT()) }
}

/// The small part of HDF5 that writing SONATA nodes and edges files needs: groups, 1-D and
/// [N, 2] datasets of numbers, string attributes, and the root `magic`/`version` attributes.
///
/// The run-file store keeps its HDF5 helpers internal (they encode the run layout's
/// conventions: creation order, growing datasets); a SONATA file has other conventions, so the
/// exporter has its own focused writer. Every failure is an ExportError naming the object.
final class SONATAHDF5File {
    let path: String
    private var file: hid_t

    /// Creates (or truncates) the file and writes the root attributes every SONATA HDF5 file
    /// must carry: `magic` (uint32 0x0A7A) and `version` (two uint32: major, minor).
    init(creating path: String, version: (UInt32, UInt32) = (0, 1)) throws {
        sa_H5_silence_errors()
        self.path = path
        file = H5Fcreate(path, sa_H5F_ACC_TRUNC(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        guard file >= 0 else { throw ExportError("cannot create \(path): check that the directory is writable and the disk is not full") }
        try writeAttribute(on: "/", "magic", [UInt32(0x0A7A)], scalar: true)
        try writeAttribute(on: "/", "version", [version.0, version.1], scalar: false)
    }

    deinit { if file >= 0 { H5Fclose(file) } }

    /// Flushes and closes; reports a failure (a full disk shows up here).
    func close() throws {
        guard file >= 0 else { return }
        let flushed = H5Fflush(file, H5F_SCOPE_LOCAL)
        let closed = H5Fclose(file)
        file = -1
        guard flushed >= 0 && closed >= 0 else { throw ExportError("cannot finish writing \(path): is the disk full?") }
    }

    /// Creates a group (its parent must exist), e.g. "/edges/W/indices".
    func createGroup(_ groupPath: String) throws {
        let group = H5Gcreate2(file, groupPath, sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        guard group >= 0 else { throw ExportError("cannot create group \(groupPath) in \(path)") }
        H5Gclose(group)
    }

    /// Writes a 1-D dataset.
    func writeVector<T: SONATAElement>(_ values: [T], at datasetPath: String) throws {
        try writeDataset(values, shape: [values.count], at: datasetPath)
    }

    /// Writes an [N, 2] dataset from N pairs (SONATA's index datasets).
    func writePairs(_ pairs: [(UInt64, UInt64)], at datasetPath: String) throws {
        try writeDataset(pairs.flatMap { [$0.0, $0.1] }, shape: [pairs.count, 2], at: datasetPath)
    }

    private func writeDataset<T: SONATAElement>(_ values: [T], shape: [Int], at datasetPath: String) throws {
        let dims = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dims.count), dims, nil)
        guard space >= 0 else { throw ExportError("cannot create the shape \(shape) of \(datasetPath) in \(path)") }
        defer { H5Sclose(space) }
        let fileType = T.fileType(), memoryType = T.memoryType()
        defer { H5Tclose(fileType); H5Tclose(memoryType) }
        let dataset = H5Dcreate2(file, datasetPath, fileType, space, sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        guard dataset >= 0 else { throw ExportError("cannot create dataset \(datasetPath) in \(path)") }
        defer { H5Dclose(dataset) }
        guard !values.isEmpty else { return }
        let status = values.withUnsafeBufferPointer {
            H5Dwrite(dataset, memoryType, sa_H5S_ALL(), sa_H5S_ALL(), sa_H5P_DEFAULT(), $0.baseAddress)
        }
        guard status >= 0 else { throw ExportError("cannot write \(datasetPath) in \(path): is the disk full?") }
    }

    /// A scalar, variable-length UTF-8 string attribute (what h5py writes for a `str`, and
    /// what libsonata reads `node_population` as).
    func writeStringAttribute(on objectPath: String, _ name: String, _ value: String) throws {
        let object = H5Oopen(file, objectPath, sa_H5P_DEFAULT())
        guard object >= 0 else { throw ExportError("cannot open \(objectPath) in \(path)") }
        defer { H5Oclose(object) }
        let type = H5Tcopy(sa_H5T_C_S1())
        defer { H5Tclose(type) }
        H5Tset_size(type, sa_H5T_VARIABLE())
        H5Tset_cset(type, H5T_CSET_UTF8)
        let space = H5Screate(H5S_SCALAR)
        defer { H5Sclose(space) }
        let attribute = H5Acreate2(object, name, type, space, sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        guard attribute >= 0 else { throw ExportError("cannot create attribute \(name) of \(objectPath) in \(path)") }
        defer { H5Aclose(attribute) }
        let status = value.withCString { text -> herr_t in
            var pointer: UnsafePointer<CChar>? = text
            return H5Awrite(attribute, type, &pointer)
        }
        guard status >= 0 else { throw ExportError("cannot write attribute \(name) of \(objectPath) in \(path)") }
    }

    private func writeAttribute<T: SONATAElement>(on objectPath: String, _ name: String, _ values: [T], scalar: Bool) throws {
        let object = H5Oopen(file, objectPath, sa_H5P_DEFAULT())
        guard object >= 0 else { throw ExportError("cannot open \(objectPath) in \(path)") }
        defer { H5Oclose(object) }
        let space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, [hsize_t(values.count)], nil)
        defer { H5Sclose(space) }
        let fileType = T.fileType(), memoryType = T.memoryType()
        defer { H5Tclose(fileType); H5Tclose(memoryType) }
        let attribute = H5Acreate2(object, name, fileType, space, sa_H5P_DEFAULT(), sa_H5P_DEFAULT())
        guard attribute >= 0 else { throw ExportError("cannot create attribute \(name) in \(path)") }
        defer { H5Aclose(attribute) }
        let status = values.withUnsafeBufferPointer { H5Awrite(attribute, memoryType, $0.baseAddress) }
        guard status >= 0 else { throw ExportError("cannot write attribute \(name) in \(path)") }
    }
}
