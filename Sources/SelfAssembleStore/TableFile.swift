import CHDF5
import Foundation

/// A column of a table written to HDF5: float64 numbers (NaN where there is no value) or
/// UTF-8 strings (h5py reads them as `bytes` or, with `.asstr()`, as `str`).
public enum TableColumn: Sendable, Equatable {
    case numbers([Double])
    case texts([String])

    var count: Int {
        switch self {
        case .numbers(let values): values.count
        case .texts(let values): values.count
        }
    }
}

/// A small HDF5 file of tables: one group per table, one 1-D dataset per column (all of a
/// table's columns have one entry per row), in the order given (creation order is tracked, so
/// h5py's `keys()` lists them in that order). Used for `selfassemble collect`'s summary.h5.
/// Written to `PATH.tmp` and renamed over `path` once complete, so a failure never leaves a
/// half-written file and an earlier summary stays until the new one is whole.
public enum TableFile {
    /// - Parameters:
    ///   - tables: (group name, columns as (name, values)), e.g. ("summary", [("ratio", .numbers(...)), ...]).
    ///   - attributes: string attributes of the root group, e.g. a description of the file.
    /// - Throws: ``StoreError`` naming the file and what failed.
    public static func write(path: String, tables: [(name: String, columns: [(name: String, values: TableColumn)])],
                             attributes: [(String, String)] = []) throws {
        let temporary = path + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let fcpl = try HDF5.propertyList(sa_H5P_FILE_CREATE(), "file creation")
            try check(H5Pset_link_creation_order(fcpl.id, sa_H5P_CRT_ORDER_TRACKED() | sa_H5P_CRT_ORDER_INDEXED()), "cannot create \(path)")
            let file = try HDF5Handle(H5Fcreate(temporary, sa_H5F_ACC_EXCL(), fcpl.id, sa_H5P_DEFAULT()), .file,
                                      "cannot create \(temporary): check that the directory is writable")
            for (name, value) in attributes { try file.setAttribute(name, value, on: path) }
            for table in tables {
                let rows = table.columns.first?.values.count ?? 0
                let group = try HDF5.createGroup(file, table.name, in: path)
                try group.setAttribute("rows", rows, on: "/\(table.name) in \(path)")
                for column in table.columns {
                    guard column.values.count == rows else {
                        throw StoreError("cannot write /\(table.name)/\(column.name) in \(path): \(column.values.count) values for \(rows) rows")
                    }
                    switch column.values {
                    case .numbers(let values):
                        try DatasetIO.writeVector(values, named: column.name, in: group, path: "/\(table.name)/\(column.name)", file: path)
                    case .texts(let values):
                        try writeTexts(values, named: column.name, in: group, path: "/\(table.name)/\(column.name)", file: path)
                    }
                }
            }
            guard file.close() else { throw StoreError("cannot finish writing \(temporary): is the disk full?") }
            guard rename(temporary, path) == 0 else {
                throw StoreError("cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    private static func writeTexts(_ values: [String], named name: String, in group: HDF5Handle, path: String, file: String) throws {
        let type = try utf8StringType()
        let space = try HDF5.simpleSpace([values.count])
        let dataset = try HDF5Handle(H5Dcreate2(group.id, name, type.id, space.id, sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT()),
                                     .dataset, "cannot create dataset \(path) in \(file)")
        guard !values.isEmpty else { return }
        let copies = values.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers = copies.map { UnsafePointer<CChar>($0) }
        try check(H5Dwrite(dataset.id, type.id, sa_H5S_ALL(), sa_H5S_ALL(), sa_H5P_DEFAULT(), &pointers), "cannot write \(path) in \(file)")
    }
}
