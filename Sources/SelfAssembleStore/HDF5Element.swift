import CHDF5

/// A Swift number type with its HDF5 types: the in-memory (native) type HDF5 converts from
/// and to, and the fixed little-endian type stored in the file, so that a run file has the
/// same bytes whichever machine wrote it.
protocol HDF5Element: BitwiseCopyable {
    static var memoryType: hid_t { get }
    static var fileType: hid_t { get }
    /// The HDF5 type class a stored value must have to be read as this type (float numbers
    /// are not silently read into integers and vice versa).
    static var typeClass: H5T_class_t { get }
    init()
}

extension Float: HDF5Element {
    static var memoryType: hid_t { sa_H5T_NATIVE_FLOAT() }
    static var fileType: hid_t { sa_H5T_IEEE_F32LE() }
    static var typeClass: H5T_class_t { H5T_FLOAT }
}

extension Double: HDF5Element {
    static var memoryType: hid_t { sa_H5T_NATIVE_DOUBLE() }
    static var fileType: hid_t { sa_H5T_IEEE_F64LE() }
    static var typeClass: H5T_class_t { H5T_FLOAT }
}

extension Int64: HDF5Element {
    static var memoryType: hid_t { sa_H5T_NATIVE_INT64() }
    static var fileType: hid_t { sa_H5T_STD_I64LE() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
}

extension Int32: HDF5Element {
    static var memoryType: hid_t { sa_H5T_NATIVE_INT32() }
    static var fileType: hid_t { sa_H5T_STD_I32LE() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
}

extension UInt8: HDF5Element {
    static var memoryType: hid_t { sa_H5T_NATIVE_UINT8() }
    static var fileType: hid_t { sa_H5T_STD_U8LE() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
}

extension UInt64: HDF5Element {
    static var memoryType: hid_t { sa_H5T_NATIVE_UINT64() }
    static var fileType: hid_t { sa_H5T_STD_U64LE() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
}

/// The string type of every text attribute: variable-length, UTF-8, null-terminated. This
/// is what h5py writes for a Python `str` (it reads it back as `str`), and MATLAB's
/// `h5readatt` returns it as a character vector.
func utf8StringType() throws -> HDF5Handle {
    let type = try HDF5Handle(H5Tcopy(sa_H5T_C_S1()), .datatype, "cannot create the string type")
    try check(H5Tset_size(type.id, sa_H5T_VARIABLE()), "cannot create the string type")
    try check(H5Tset_cset(type.id, H5T_CSET_UTF8), "cannot create the string type")
    try check(H5Tset_strpad(type.id, H5T_STR_NULLTERM), "cannot create the string type")
    return type
}
