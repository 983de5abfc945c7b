import CHDF5

/// Fixed-size datasets (written once, e.g. onsets and per-epoch accuracies) and reading of
/// any dataset back, with checks that turn a foreign or damaged file into a StoreError
/// instead of a crash or a huge allocation.
enum DatasetIO {
    /// The largest number of values the reader loads in one call: a corrupt shape must not
    /// make it try to allocate terabytes.
    static let maximumValues = 1 << 31

    /// Creates a dataset of fixed shape holding `values` (row-major), or overwrites it if it
    /// exists; `shape` nil: one dimension of `values.count`.
    @discardableResult
    static func writeVector<T: HDF5Element>(_ values: [T], shape: [Int]? = nil, named name: String, in parent: HDF5Handle,
                                            path: String, file: String) throws -> HDF5Handle {
        let shape = shape ?? [values.count]
        guard shape.reduce(1, *) == values.count else {
            throw StoreError("cannot write \(path) in \(file): \(values.count) values do not fill the shape \(shape)")
        }
        let dataset: HDF5Handle
        if HDF5.linkExists(parent, name) {
            dataset = try HDF5.openDataset(parent, name, in: file)
            guard try HDF5.shape(of: dataset, "\(path) in \(file)") == shape else {
                throw StoreError("cannot write \(path) in \(file): it exists with a different shape")
            }
        } else {
            let space = try HDF5.simpleSpace(shape)
            dataset = try HDF5Handle(
                H5Dcreate2(parent.id, name, T.fileType, space.id, sa_H5P_DEFAULT(), sa_H5P_DEFAULT(), sa_H5P_DEFAULT()),
                .dataset, "cannot create dataset \(path) in \(file)")
        }
        if !values.isEmpty {
            try values.withUnsafeBufferPointer { buffer in
                try check(H5Dwrite(dataset.id, T.memoryType, sa_H5S_ALL(), sa_H5S_ALL(), sa_H5P_DEFAULT(), buffer.baseAddress),
                          "cannot write \(path) in \(file)")
            }
        }
        return dataset
    }

    /// Creates (or overwrites) a dataset of fixed shape holding `values`, of their type. The
    /// declared shape is used where it is fully known; otherwise one dimension of all values.
    @discardableResult
    static func write(_ values: LayoutValues, declared: [Int?], named name: String, in parent: HDF5Handle, path: String,
                      file: String) throws -> HDF5Handle {
        let known = declared.compactMap { $0 }
        let shape = known.count == declared.count && !known.isEmpty ? known : nil
        switch values {
        case .float32(let v): return try writeVector(v, shape: shape, named: name, in: parent, path: path, file: file)
        case .float64(let v): return try writeVector(v, shape: shape, named: name, in: parent, path: path, file: file)
        case .int32(let v): return try writeVector(v, shape: shape, named: name, in: parent, path: path, file: file)
        case .int64(let v): return try writeVector(v, shape: shape, named: name, in: parent, path: path, file: file)
        case .uint8(let v): return try writeVector(v, shape: shape, named: name, in: parent, path: path, file: file)
        case .string: throw StoreError("cannot write \(path) in \(file): the store writes texts only as per-snapshot series")
        }
    }

    /// Checks that a dataset's stored type can be read as `T` without changing its meaning.
    private static func checkType<T: HDF5Element>(_ dataset: HDF5Handle, as _: T.Type, _ what: String) throws {
        let type = try HDF5Handle(H5Dget_type(dataset.id), .datatype, "cannot read the type of \(what)")
        let typeClass = H5Tget_class(type.id)
        guard typeClass == T.typeClass || (T.typeClass == H5T_FLOAT && typeClass == H5T_INTEGER) else {
            throw StoreError("\(what) does not hold \(T.typeClass == H5T_FLOAT ? "numbers" : "integers")")
        }
    }

    /// Every value of a dataset, flattened in row-major order, with its shape.
    static func readAll<T: HDF5Element>(_ dataset: HDF5Handle, as _: T.Type, _ what: String) throws -> (values: [T], shape: [Int]) {
        try checkType(dataset, as: T.self, what)
        let shape = try HDF5.shape(of: dataset, what)
        let count = try checkedCount(shape, what)
        try checkStored(dataset, values: count, of: T.self, shape: shape, what)
        var values = [T](repeating: T(), count: count)
        if count > 0 {
            try values.withUnsafeMutableBufferPointer { buffer in
                try check(H5Dread(dataset.id, T.memoryType, sa_H5S_ALL(), sa_H5S_ALL(), sa_H5P_DEFAULT(), buffer.baseAddress),
                          "cannot read \(what) (the file may be truncated or damaged)")
            }
        }
        return (values, shape)
    }

    /// The first `count` values of a one-dimensional dataset (all of them when it has fewer):
    /// what a reader of a run still being written reads, which never reaches past the entries
    /// it counted.
    static func readPrefix<T: HDF5Element>(_ dataset: HDF5Handle, count: Int, as _: T.Type, _ what: String) throws -> [T] {
        try checkType(dataset, as: T.self, what)
        let shape = try HDF5.shape(of: dataset, what)
        guard shape.count == 1 else { throw StoreError("\(what) has shape \(shape), expected one dimension") }
        let n = min(max(count, 0), shape[0])
        guard n > 0 else { return [] }
        _ = try checkedCount([n], what)
        try checkStored(dataset, values: n, of: T.self, shape: shape, what)
        let fileSpace = try HDF5Handle(H5Dget_space(dataset.id), .dataspace, "cannot read \(what)")
        try check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, [0], nil, [hsize_t(n)], nil), "cannot select the first \(n) values of \(what)")
        let memorySpace = try HDF5.simpleSpace([n])
        var values = [T](repeating: T(), count: n)
        try values.withUnsafeMutableBufferPointer { buffer in
            try check(H5Dread(dataset.id, T.memoryType, memorySpace.id, fileSpace.id, sa_H5P_DEFAULT(), buffer.baseAddress),
                      "cannot read \(what) (the file may be truncated or damaged)")
        }
        return values
    }

    /// Entry `index` along the first axis of a dataset of rank >= 1, flattened, with the
    /// shape of one entry.
    static func readEntry<T: HDF5Element>(_ dataset: HDF5Handle, index: Int, as _: T.Type, _ what: String) throws -> (values: [T], shape: [Int]) {
        try checkType(dataset, as: T.self, what)
        let shape = try HDF5.shape(of: dataset, what)
        guard let entries = shape.first else { throw StoreError("\(what) is a scalar, not a series") }
        guard index >= 0 && index < entries else {
            throw StoreError("\(what) has \(entries) entries, no entry \(index) (valid: 0...\(entries - 1))")
        }
        let trailing = Array(shape.dropFirst())
        let count = try checkedCount(trailing, what)
        try checkStored(dataset, values: count, of: T.self, shape: shape, what)
        let fileSpace = try HDF5Handle(H5Dget_space(dataset.id), .dataspace, "cannot read \(what)")
        let start = [hsize_t(index)] + trailing.map { _ in hsize_t(0) }
        let size = [hsize_t(1)] + trailing.map { hsize_t($0) }
        try check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, size, nil), "cannot select entry \(index) of \(what)")
        var values = [T](repeating: T(), count: count)
        if count > 0 {
            let memorySpace = try HDF5.simpleSpace([count])
            try values.withUnsafeMutableBufferPointer { buffer in
                try check(H5Dread(dataset.id, T.memoryType, memorySpace.id, fileSpace.id, sa_H5P_DEFAULT(), buffer.baseAddress),
                          "cannot read entry \(index) of \(what) (the file may be truncated or damaged)")
            }
        }
        return (values, trailing)
    }

    /// The most that stored bytes can expand to: deflate's limit is about 1032:1 (shuffle does
    /// not change the size), so 1100 leaves a margin.
    static let largestExpansion = 1100

    /// Refuses to read `values` values when the dataset does not store enough bytes to hold them,
    /// before anything is allocated: a damaged shape (a flipped bit in a dimension) would
    /// otherwise make an 87 KB file claim 2^30 snapshots, and the reader allocate gigabytes of
    /// fill values. One or two unwritten chunks are allowed (a snapshot whose writing was
    /// interrupted leaves its entry unwritten).
    private static func checkStored<T: HDF5Element>(_ dataset: HDF5Handle, values: Int, of _: T.Type, shape: [Int], _ what: String) throws {
        let needed = values.multipliedReportingOverflow(by: MemoryLayout<T>.size)
        guard !needed.overflow else { throw StoreError("\(what) is too large to read (shape \(shape))") }
        let stored = Int(clamping: H5Dget_storage_size(dataset.id))
        var allowance = 0
        if let plist = try? HDF5Handle(H5Dget_create_plist(dataset.id), .propertyList, "storage of \(what)"),
           H5Pget_layout(plist.id) == H5D_CHUNKED {
            var chunk = [hsize_t](repeating: 0, count: 32)
            let rank = H5Pget_chunk(plist.id, Int32(chunk.count), &chunk)
            if rank > 0 {
                let elements = chunk.prefix(Int(rank)).reduce(1) { $0.multipliedReportingOverflow(by: Int(clamping: $1)).partialValue }
                allowance = 2 * elements * MemoryLayout<T>.size
            }
        }
        _ = HDF5Diagnostics.takeLatest()
        let (expanded, overflow) = stored.multipliedReportingOverflow(by: largestExpansion)
        guard overflow || needed.partialValue <= expanded + allowance else {
            throw StoreError("\(what) claims shape \(shape) but stores only \(stored) bytes, too few for \(values) values: the file is damaged")
        }
    }

    private static func checkedCount(_ shape: [Int], _ what: String) throws -> Int {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow && product <= maximumValues else { throw StoreError("\(what) is too large to read (shape \(shape))") }
            count = product
        }
        return count
    }
}
