import CHDF5

/// A one-dimensional, extendible dataset of variable-length UTF-8 strings, one entry per
/// snapshot: the run's checkpoints (/resume/checkpoint). Text, not bytes, so that h5py
/// reads each entry as a `str` and a person can look at it.
final class StringSeries {
    let handle: HDF5Handle
    let path: String

    /// Creates the dataset with 0 entries, chunked in runs of `chunk` entries.
    init(creating path: String, in parent: HDF5Handle, chunk: Int, file: String) throws {
        self.path = path
        let space = try HDF5.simpleSpace([0], maxDims: [sa_H5S_UNLIMITED()])
        let dcpl = try HDF5.propertyList(sa_H5P_DATASET_CREATE(), "dataset creation")
        try check(H5Pset_chunk(dcpl.id, 1, [hsize_t(chunk)]), "cannot set the chunk shape of \(path) in \(file)")
        let type = try utf8StringType()
        handle = try HDF5Handle(H5Dcreate2(parent.id, LayoutPath.split(path).name, type.id, space.id, sa_H5P_DEFAULT(), dcpl.id, sa_H5P_DEFAULT()),
                                .dataset, "cannot create dataset \(path) in \(file)")
    }

    /// Opens an existing series.
    init(opening path: String, in parent: HDF5Handle, file: String) throws {
        self.path = path
        handle = try HDF5.openDataset(parent, LayoutPath.split(path).name, in: file)
    }

    /// Writes entry `index`, growing the dataset to `index + 1` entries if needed.
    func write(_ text: String, at index: Int, file: String) throws {
        let current = try HDF5.shape(of: handle, "\(path) in \(file)")
        if current.first ?? 0 < index + 1 {
            try check(H5Dset_extent(handle.id, [hsize_t(index + 1)]), "cannot extend \(path) in \(file) to \(index + 1) entries")
        }
        let fileSpace = try HDF5Handle(H5Dget_space(handle.id), .dataspace, "cannot select entry \(index) of \(path) in \(file)")
        try check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, [hsize_t(index)], nil, [1], nil),
                  "cannot select entry \(index) of \(path) in \(file)")
        let memorySpace = try HDF5.simpleSpace([1])
        let type = try utf8StringType()
        try text.withCString { pointer in
            var pointers: [UnsafePointer<CChar>?] = [pointer]
            try check(H5Dwrite(handle.id, type.id, memorySpace.id, fileSpace.id, sa_H5P_DEFAULT(), &pointers),
                      "cannot write entry \(index) of \(path) in \(file)")
        }
    }

    /// Reads entry `index`.
    func read(at index: Int, file: String) throws -> String {
        let count = try HDF5.shape(of: handle, "\(path) in \(file)").first ?? 0
        guard index >= 0 && index < count else {
            throw StoreError("\(path) in \(file) has \(count) entries; entry \(index) does not exist")
        }
        let fileSpace = try HDF5Handle(H5Dget_space(handle.id), .dataspace, "cannot select entry \(index) of \(path) in \(file)")
        try check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, [hsize_t(index)], nil, [1], nil),
                  "cannot select entry \(index) of \(path) in \(file)")
        let memorySpace = try HDF5.simpleSpace([1])
        let type = try utf8StringType()
        var pointers: [UnsafeMutablePointer<CChar>?] = [nil]
        try check(H5Dread(handle.id, type.id, memorySpace.id, fileSpace.id, sa_H5P_DEFAULT(), &pointers),
                  "cannot read entry \(index) of \(path) in \(file)")
        guard let pointer = pointers[0] else { return "" }
        defer { H5free_memory(pointer) }
        return String(cString: pointer)
    }

    /// Cuts the series to its first `count` entries, and empties the entries past them in the
    /// last chunk.
    ///
    /// Each entry is a reference to a text in one of HDF5's global heap collections, and a
    /// flush writes a dataset's chunks before the heap collections. A run killed in between
    /// leaves, past the counted entries, references to collections that were never written;
    /// HDF5 reads an entry's old reference to free its text when the entry is written again,
    /// so the continued run failed there ("bad global heap collection signature"). Growing the
    /// series over the rest of its last chunk and cutting it back makes HDF5 overwrite the cut
    /// entries with its fill value, an empty reference. (CrashSafetyTests makes such a file.)
    func truncate(to count: Int, file: String) throws {
        let current = try HDF5.shape(of: handle, "\(path) in \(file)").first ?? 0
        let chunk = try chunkLength(file: file)
        let cover = (max(current, count) / chunk + 1) * chunk
        try check(H5Dset_extent(handle.id, [hsize_t(cover)]), "cannot cut \(path) in \(file) to \(count) entries")
        try check(H5Dset_extent(handle.id, [hsize_t(count)]), "cannot cut \(path) in \(file) to \(count) entries")
    }

    /// Entries per chunk.
    private func chunkLength(file: String) throws -> Int {
        let dcpl = try HDF5Handle(H5Dget_create_plist(handle.id), .propertyList, "cannot read the storage of \(path) in \(file)")
        var length: hsize_t = 0
        guard H5Pget_chunk(dcpl.id, 1, &length) == 1, length > 0 else {
            throw StoreError("\(path) in \(file) is not stored in chunks; the file is damaged or not a selfassemble run file")
        }
        return Int(length)
    }
}
