import CHDF5

/// A dataset that grows by one entry per snapshot along its first axis: shape
/// [snapshots, trailing...], maximum shape [unlimited, trailing...], stored as the layout
/// declaration says (chunk shape and filters, see ``LayoutStorage``).
final class ExtendibleDataset<Element: HDF5Element> {
    let handle: HDF5Handle
    let path: String
    let trailing: [Int]
    private let valuesPerEntry: Int

    /// Creates the dataset with 0 entries.
    /// - Parameters:
    ///   - chunk: the chunk shape, of rank 1 + trailing.count.
    ///   - compressionLevel: deflate level 1...9 with the shuffle filter before it; 0 stores
    ///     the data without filters.
    init(creating path: String, in parent: HDF5Handle, trailing: [Int], chunk: [Int], compressionLevel: Int, file: String) throws {
        self.path = path
        self.trailing = trailing
        valuesPerEntry = trailing.reduce(1, *)
        let space = try HDF5.simpleSpace([0] + trailing, maxDims: [sa_H5S_UNLIMITED()] + trailing.map { hsize_t($0) })
        let dcpl = try HDF5.propertyList(sa_H5P_DATASET_CREATE(), "dataset creation")
        try check(H5Pset_chunk(dcpl.id, Int32(chunk.count), chunk.map { hsize_t($0) }), "cannot set the chunk shape of \(path) in \(file)")
        if compressionLevel > 0 {
            // Shuffle first: grouping the bytes of equal significance of float32 weights
            // makes them compress noticeably better under deflate.
            try check(H5Pset_shuffle(dcpl.id), "cannot enable the shuffle filter for \(path) in \(file)")
            try check(H5Pset_deflate(dcpl.id, UInt32(compressionLevel)), "cannot enable deflate compression for \(path) in \(file)")
        }
        handle = try HDF5Handle(
            H5Dcreate2(parent.id, LayoutPath.split(path).name, Element.fileType, space.id, sa_H5P_DEFAULT(), dcpl.id, sa_H5P_DEFAULT()),
            .dataset, "cannot create dataset \(path) in \(file)")
    }

    /// Opens an existing dataset of the layout (to continue a run).
    init(opening path: String, in parent: HDF5Handle, file: String) throws {
        self.path = path
        handle = try HDF5.openDataset(parent, LayoutPath.split(path).name, in: file)
        let shape = try HDF5.shape(of: handle, "\(path) in \(file)")
        guard !shape.isEmpty else { throw StoreError("\(path) in \(file) is not a per-snapshot series (it has no snapshot axis)") }
        trailing = Array(shape.dropFirst())
        valuesPerEntry = trailing.reduce(1, *)
    }

    /// Number of entries along the snapshot axis.
    func count(file: String) throws -> Int {
        try HDF5.shape(of: handle, "\(path) in \(file)").first ?? 0
    }

    /// Cuts the dataset to its first `count` entries: a snapshot written half-way when the
    /// run was killed is dropped before the run continues.
    func truncate(to count: Int, file: String) throws {
        let extent = [hsize_t(count)] + trailing.map { hsize_t($0) }
        try check(H5Dset_extent(handle.id, extent), "cannot cut \(path) in \(file) to \(count) entries")
    }

    /// Writes entry `index` (growing the dataset to `index + 1` entries if needed). Writing
    /// an index again overwrites it, so a failed append can be retried without leaving a gap.
    func write(_ values: [Element], at index: Int, file: String) throws {
        guard values.count == valuesPerEntry else {
            throw StoreError("cannot write \(path) in \(file): expected \(valuesPerEntry) values of shape \(trailing), got \(values.count)")
        }
        let extent = [hsize_t(index + 1)] + trailing.map { hsize_t($0) }
        let current = try HDF5.shape(of: handle, "\(path) in \(file)")
        if current.first ?? 0 < index + 1 {
            try check(H5Dset_extent(handle.id, extent), "cannot extend \(path) in \(file) to \(index + 1) entries")
        }
        let fileSpace = try HDF5Handle(H5Dget_space(handle.id), .dataspace, "cannot select entry \(index) of \(path) in \(file)")
        let start = [hsize_t(index)] + trailing.map { _ in hsize_t(0) }
        let count = [hsize_t(1)] + trailing.map { hsize_t($0) }
        try check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, count, nil),
                  "cannot select entry \(index) of \(path) in \(file)")
        // The memory space has the selection's shape, so HDF5 copies the entry as one block
        // (a rank-1 memory space sends it through the general selection iterator, element
        // runs at a time).
        let memorySpace = try HDF5.simpleSpace([1] + trailing)
        try values.withUnsafeBufferPointer { buffer in
            try check(H5Dwrite(handle.id, Element.memoryType, memorySpace.id, fileSpace.id, sa_H5P_DEFAULT(), buffer.baseAddress),
                      "cannot write entry \(index) of \(path) in \(file)")
        }
    }
}
