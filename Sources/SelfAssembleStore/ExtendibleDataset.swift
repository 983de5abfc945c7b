import CHDF5

/// A dataset that grows by one entry per snapshot along its first axis: shape
/// [snapshots, trailing...], maximum shape [unlimited, trailing...].
///
/// Matrices and vectors are chunked one snapshot per chunk, so that reading one snapshot
/// decompresses exactly one chunk and a snapshot's bytes never share a chunk with the
/// next (a reader of an interrupted run still finds every completed snapshot intact).
/// Scalar series (steps, metrics) are chunked in runs of `scalarChunk` values instead:
/// one value per chunk would cost far more in chunk index than in data.
final class ExtendibleDataset<Element: HDF5Element> {
    static var scalarChunk: Int { 256 }

    let handle: HDF5Handle
    let path: String
    let trailing: [Int]
    private let valuesPerEntry: Int

    /// Creates the dataset with 0 entries.
    /// - Parameter compressionLevel: deflate level 1...9 with the shuffle filter before it;
    ///   0 stores the data uncompressed. Only applied to matrices and vectors.
    init(creating name: String, in parent: HDF5Handle, parentPath: String, trailing: [Int], compressionLevel: Int, file: String) throws {
        path = parentPath == "/" ? "/" + name : parentPath + "/" + name
        self.trailing = trailing
        valuesPerEntry = trailing.reduce(1, *)
        let space = try HDF5.simpleSpace([0] + trailing, maxDims: [sa_H5S_UNLIMITED()] + trailing.map { hsize_t($0) })
        let dcpl = try HDF5.propertyList(sa_H5P_DATASET_CREATE(), "dataset creation")
        let chunk = (trailing.isEmpty ? [Self.scalarChunk] : [1] + trailing).map { hsize_t($0) }
        try check(H5Pset_chunk(dcpl.id, Int32(chunk.count), chunk), "cannot set the chunk shape of \(path) in \(file)")
        if !trailing.isEmpty && compressionLevel > 0 {
            // Shuffle first: grouping the bytes of equal significance of float32 weights
            // makes them compress noticeably better under deflate.
            try check(H5Pset_shuffle(dcpl.id), "cannot enable the shuffle filter for \(path) in \(file)")
            try check(H5Pset_deflate(dcpl.id, UInt32(compressionLevel)), "cannot enable deflate compression for \(path) in \(file)")
        }
        handle = try HDF5Handle(
            H5Dcreate2(parent.id, name, Element.fileType, space.id, sa_H5P_DEFAULT(), dcpl.id, sa_H5P_DEFAULT()),
            .dataset, "cannot create dataset \(path) in \(file)")
    }

    /// Opens an existing dataset of the layout (to continue a run).
    init(opening name: String, in parent: HDF5Handle, parentPath: String, file: String) throws {
        path = parentPath == "/" ? "/" + name : parentPath + "/" + name
        handle = try HDF5.openDataset(parent, name, in: file)
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
        let memorySpace = try HDF5.simpleSpace([values.count])
        try values.withUnsafeBufferPointer { buffer in
            try check(H5Dwrite(handle.id, Element.memoryType, memorySpace.id, fileSpace.id, sa_H5P_DEFAULT(), buffer.baseAddress),
                      "cannot write entry \(index) of \(path) in \(file)")
        }
    }
}
