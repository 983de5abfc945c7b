import CHDF5

/// Scalar attributes on a file (its root group), group or dataset. Every attribute the store
/// writes is a scalar: a number of a fixed little-endian type, or one UTF-8 string.
extension HDF5Handle {
    /// Writes (or replaces) a string attribute.
    func setAttribute(_ name: String, _ value: String, on what: String) throws {
        let type = try utf8StringType()
        let attribute = try createAttribute(name, type: type.id, on: what)
        try value.withCString { text in
            var pointer: UnsafePointer<CChar>? = text
            try withUnsafePointer(to: &pointer) { address in
                try check(H5Awrite(attribute.id, type.id, address), "cannot write attribute \(name) of \(what)")
            }
        }
    }

    /// Writes (or replaces) a numeric attribute of the element's file type.
    func setAttribute<T: HDF5Element>(_ name: String, _ value: T, on what: String) throws {
        let attribute = try createAttribute(name, type: T.fileType, on: what)
        var copy = value
        try check(H5Awrite(attribute.id, T.memoryType, &copy), "cannot write attribute \(name) of \(what)")
    }

    func setAttribute(_ name: String, _ value: Int, on what: String) throws {
        try setAttribute(name, Int64(value), on: what)
    }

    /// Replacing by delete-and-create (rather than writing into the old attribute) lets a
    /// value change type and size, e.g. `status` going from "running" to "complete".
    private func createAttribute(_ name: String, type: hid_t, on what: String) throws -> HDF5Handle {
        if try check(tri: H5Aexists(id, name), "cannot look up attribute \(name) of \(what)") {
            try check(H5Adelete(id, name), "cannot replace attribute \(name) of \(what)")
        }
        let space = try HDF5.scalarSpace()
        return try HDF5Handle(H5Acreate2(id, name, type, space.id, sa_H5P_DEFAULT(), sa_H5P_DEFAULT()), .attribute,
                              "cannot create attribute \(name) of \(what)")
    }

    /// Removes an attribute if it exists.
    func deleteAttribute(_ name: String, of what: String) throws {
        if try check(tri: H5Aexists(id, name), "cannot look up attribute \(name) of \(what)") {
            try check(H5Adelete(id, name), "cannot remove attribute \(name) of \(what)")
        }
    }

    func hasAttribute(_ name: String) -> Bool {
        let answer = H5Aexists(id, name)
        if answer < 0 { _ = HDF5Diagnostics.takeLatest() }
        return answer > 0
    }

    /// Opens an attribute that must hold exactly one value of the given type class.
    private func openScalarAttribute(_ name: String, of what: String, expecting expected: H5T_class_t, kind: String) throws -> (HDF5Handle, HDF5Handle) {
        guard hasAttribute(name) else { throw StoreError("\(what) has no attribute \(name)") }
        let attribute = try HDF5Handle(H5Aopen(id, name, sa_H5P_DEFAULT()), .attribute, "cannot open attribute \(name) of \(what)")
        let type = try HDF5Handle(H5Aget_type(attribute.id), .datatype, "cannot read the type of attribute \(name) of \(what)")
        let space = try HDF5Handle(H5Aget_space(attribute.id), .dataspace, "cannot read attribute \(name) of \(what)")
        let typeClass = H5Tget_class(type.id)
        let integerForFloat = expected == H5T_FLOAT && typeClass == H5T_INTEGER
        guard typeClass == expected || integerForFloat else {
            throw StoreError("attribute \(name) of \(what) is not \(kind)")
        }
        guard H5Sget_simple_extent_npoints(space.id) == 1 else {
            throw StoreError("attribute \(name) of \(what) does not hold a single value")
        }
        return (attribute, type)
    }

    /// Reads a string attribute, variable- or fixed-length (files written by other tools,
    /// e.g. MATLAB, may use fixed-length strings).
    func stringAttribute(_ name: String, of what: String) throws -> String {
        let (attribute, fileType) = try openScalarAttribute(name, of: what, expecting: H5T_STRING, kind: "a string")
        let variable = try check(tri: H5Tis_variable_str(fileType.id), "cannot read the type of attribute \(name) of \(what)")
        if variable {
            // Read with the stored type itself (ASCII or UTF-8): HDF5 does not convert
            // between character sets, and the bytes are the same for ASCII text.
            var pointer: UnsafeMutablePointer<CChar>? = nil
            try check(H5Aread(attribute.id, fileType.id, &pointer), "cannot read attribute \(name) of \(what)")
            guard let pointer else { return "" }
            defer { H5free_memory(pointer) }
            return String(cString: pointer)
        }
        let size = H5Tget_size(fileType.id)
        guard size > 0 && size < 1 << 30 else { throw StoreError("attribute \(name) of \(what) has an unreadable string size") }
        var bytes = [UInt8](repeating: 0, count: size)
        try check(H5Aread(attribute.id, fileType.id, &bytes), "cannot read attribute \(name) of \(what)")
        let text = bytes.prefix { $0 != 0 }
        return String(decoding: text, as: UTF8.self).trimmingTrailingSpaces()
    }

    func integerAttribute(_ name: String, of what: String) throws -> Int64 {
        let (attribute, _) = try openScalarAttribute(name, of: what, expecting: H5T_INTEGER, kind: "an integer")
        var value: Int64 = 0
        try check(H5Aread(attribute.id, Int64.memoryType, &value), "cannot read attribute \(name) of \(what)")
        return value
    }

    func unsignedAttribute(_ name: String, of what: String) throws -> UInt64 {
        let (attribute, _) = try openScalarAttribute(name, of: what, expecting: H5T_INTEGER, kind: "an integer")
        var value: UInt64 = 0
        try check(H5Aread(attribute.id, UInt64.memoryType, &value), "cannot read attribute \(name) of \(what)")
        return value
    }

    func doubleAttribute(_ name: String, of what: String) throws -> Double {
        let (attribute, _) = try openScalarAttribute(name, of: what, expecting: H5T_FLOAT, kind: "a number")
        var value = 0.0
        try check(H5Aread(attribute.id, Double.memoryType, &value), "cannot read attribute \(name) of \(what)")
        return value
    }
}

extension String {
    /// Fixed-length strings padded with spaces (Fortran style) lose the padding.
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
