import CHDF5

/// An owned HDF5 identifier that is closed exactly once, when it is no longer referenced.
///
/// HDF5 identifiers are plain integers that leak (and keep the file open) if one forgets to
/// close them on an error path. Wrapping each one in a class with a deinit makes every
/// early `throw` safe without a `defer` per call.
final class HDF5Handle {
    /// What the identifier refers to: each kind has its own close function.
    enum Kind {
        case file, group, dataset, dataspace, datatype, attribute, propertyList
    }

    let id: hid_t
    let kind: Kind
    private var isOpen = true

    /// Takes ownership of `id`; a negative `id` (HDF5's failure value) becomes a StoreError
    /// that says `what` failed.
    init(_ id: hid_t, _ kind: Kind, _ what: @autoclosure () -> String) throws {
        guard id >= 0 else { throw HDF5Diagnostics.error(what()) }
        self.id = id
        self.kind = kind
    }

    /// Closes now (for files: so that the data reach the disk at a known point). Returns
    /// false if HDF5 reported an error while closing.
    @discardableResult
    func close() -> Bool {
        guard isOpen else { return true }
        isOpen = false
        let status: herr_t
        switch kind {
        case .file: status = H5Fclose(id)
        case .group: status = H5Gclose(id)
        case .dataset: status = H5Dclose(id)
        case .dataspace: status = H5Sclose(id)
        case .datatype: status = H5Tclose(id)
        case .attribute: status = H5Aclose(id)
        case .propertyList: status = H5Pclose(id)
        }
        return status >= 0
    }

    /// Gives the identifier up without closing it. For the objects of a file whose write
    /// failed: HDF5 1.10 frees a file whose closing flush fails but keeps its identifier, and
    /// touching that identifier again (at exit, too) crashes. Abandoned identifiers stay open
    /// until the process ends; the store turns HDF5's exit-time cleanup off (see
    /// ``HDF5Diagnostics/silence()``), so nothing touches them.
    func abandon() { isOpen = false }

    deinit { close() }
}

/// Turns a negative HDF5 status into a StoreError that says `what` failed.
func check(_ status: herr_t, _ what: @autoclosure () -> String) throws {
    if status < 0 { throw HDF5Diagnostics.error(what()) }
}

/// Turns a tri-state HDF5 answer (negative: error, 0: false, positive: true) into a Bool.
func check(tri status: htri_t, _ what: @autoclosure () -> String) throws -> Bool {
    if status < 0 { throw HDF5Diagnostics.error(what()) }
    return status > 0
}

/// Creation and opening of the objects the store uses, with messages that say which object.
enum HDF5 {
    static func scalarSpace() throws -> HDF5Handle {
        try HDF5Handle(H5Screate(H5S_SCALAR), .dataspace, "cannot create a scalar dataspace")
    }

    static func simpleSpace(_ dims: [Int], maxDims: [hsize_t]? = nil) throws -> HDF5Handle {
        let current = dims.map { hsize_t($0) }
        let id = current.withUnsafeBufferPointer { cur in
            if let maxDims {
                return maxDims.withUnsafeBufferPointer { H5Screate_simple(Int32(dims.count), cur.baseAddress, $0.baseAddress) }
            }
            return H5Screate_simple(Int32(dims.count), cur.baseAddress, nil)
        }
        return try HDF5Handle(id, .dataspace, "cannot create a dataspace of shape \(dims)")
    }

    /// A property list of a class such as `sa_H5P_DATASET_CREATE()`.
    static func propertyList(_ cls: hid_t, _ what: String) throws -> HDF5Handle {
        try HDF5Handle(H5Pcreate(cls), .propertyList, "cannot create the \(what) property list")
    }

    /// A group whose links remember their creation order, so that readers list projections
    /// and metrics in the order the model names them (W_1, V_1, Vbar_1, W_2, ...), not
    /// alphabetically.
    static func createGroup(_ parent: HDF5Handle, _ name: String, in path: String) throws -> HDF5Handle {
        let gcpl = try propertyList(sa_H5P_GROUP_CREATE(), "group creation")
        try check(H5Pset_link_creation_order(gcpl.id, sa_H5P_CRT_ORDER_TRACKED() | sa_H5P_CRT_ORDER_INDEXED()),
                  "cannot track link creation order for group \(name) in \(path)")
        return try HDF5Handle(H5Gcreate2(parent.id, name, sa_H5P_DEFAULT(), gcpl.id, sa_H5P_DEFAULT()), .group,
                              "cannot create group \(name) in \(path)")
    }

    static func linkExists(_ parent: HDF5Handle, _ name: String) -> Bool {
        // H5Lexists fails (rather than answering false) when an intermediate group is missing:
        // both mean "not there" to the store.
        let answer = H5Lexists(parent.id, name, sa_H5P_DEFAULT())
        if answer < 0 { _ = HDF5Diagnostics.takeLatest() }
        return answer > 0
    }

    static func openGroup(_ parent: HDF5Handle, _ name: String, in path: String) throws -> HDF5Handle {
        guard linkExists(parent, name) else { throw StoreError("\(path) has no group \(name): not a complete selfassemble run file") }
        return try HDF5Handle(H5Gopen2(parent.id, name, sa_H5P_DEFAULT()), .group, "cannot open group \(name) in \(path)")
    }

    static func openDataset(_ parent: HDF5Handle, _ name: String, in path: String) throws -> HDF5Handle {
        guard linkExists(parent, name) else { throw StoreError("\(path) has no dataset \(name)") }
        return try HDF5Handle(H5Dopen2(parent.id, name, sa_H5P_DEFAULT()), .dataset, "cannot open dataset \(name) in \(path)")
    }

    /// The names of a group's links, in creation order when the group tracks it (every group
    /// the writer creates does), in name order otherwise.
    ///
    /// Names are read by name in the index's native order and sorted here: asking HDF5 for
    /// them in increasing name order makes it build a table of the links, and HDF5 1.10.8 frees
    /// that table's unfilled entries when a damaged group fails half-way (freeing whatever
    /// the memory held: a crash in a later call).
    static func linkNames(_ group: HDF5Handle, _ what: String) throws -> [String] {
        var info = H5G_info_t()
        try check(H5Gget_info(group.id, &info), "cannot list \(what)")
        let index = info.max_corder > 0 || info.nlinks == 0 ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME
        var names = [String]()
        for i in 0..<info.nlinks {
            var name = try linkName(group, index: index, position: i)
            if name == nil && index == H5_INDEX_CRT_ORDER {
                name = try linkName(group, index: H5_INDEX_NAME, position: i)
            }
            guard let name else { throw HDF5Diagnostics.error("cannot read the name of entry \(i) of \(what)") }
            names.append(name)
        }
        return index == H5_INDEX_NAME ? names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } : names
    }

    private static func linkName(_ group: HDF5Handle, index: H5_index_t, position: hsize_t) throws -> String? {
        let order = index == H5_INDEX_NAME ? H5_ITER_NATIVE : H5_ITER_INC
        let length = H5Lget_name_by_idx(group.id, ".", index, order, position, nil, 0, sa_H5P_DEFAULT())
        guard length >= 0 else { _ = HDF5Diagnostics.takeLatest(); return nil }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        let written = H5Lget_name_by_idx(group.id, ".", index, order, position, &buffer, buffer.count, sa_H5P_DEFAULT())
        guard written >= 0 else { _ = HDF5Diagnostics.takeLatest(); return nil }
        return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The current shape of a dataset.
    static func shape(of dataset: HDF5Handle, _ what: String) throws -> [Int] {
        let space = try HDF5Handle(H5Dget_space(dataset.id), .dataspace, "cannot read the shape of \(what)")
        let rank = H5Sget_simple_extent_ndims(space.id)
        guard rank >= 0 else { throw HDF5Diagnostics.error("cannot read the shape of \(what)") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 {
            guard H5Sget_simple_extent_dims(space.id, &dims, nil) >= 0 else {
                throw HDF5Diagnostics.error("cannot read the shape of \(what)")
            }
        }
        return dims.map { Int(clamping: $0) }
    }
}
