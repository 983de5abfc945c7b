/// Parsing the IDX format in which MNIST is distributed.
///
/// An IDX file is a header, then the data: two zero bytes, a type byte, the number of
/// dimensions, one big-endian uint32 size per dimension, then the values in row-major order.
/// MNIST's files (and any loader that reads them) use type 0x08, unsigned bytes; images have
/// three dimensions (n x rows x cols, magic 0x00000803) and labels one (n, magic 0x00000801).
/// Only unsigned bytes are read here: the other IDX types do not occur in classification data
/// sets of this kind, and saying so beats guessing a byte order for them.
public enum IDXReader {
    /// The magic number of an images file: unsigned bytes, three dimensions.
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// The magic number of a labels file: unsigned bytes, one dimension.
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// The contents of an IDX file of unsigned bytes: its shape and values.
    public struct Contents: Equatable, Sendable {
        /// The sizes from the header, outermost first.
        public let dimensions: [Int]
        /// The values in row-major order; `values.count` is the product of `dimensions`.
        public let values: [UInt8]
    }

    /// Images from an IDX file: `count` images of `rows` x `cols` pixels, each flattened row-major.
    public struct Images: Equatable, Sendable {
        public let count: Int
        public let rows: Int
        public let cols: Int
        /// `count * rows * cols` pixels, image after image.
        public let pixels: [UInt8]
    }

    /// Parses any unsigned-byte IDX array. `source` names the file in errors.
    public static func parse(_ bytes: [UInt8], source: String) throws -> Contents {
        guard bytes.count >= 4 else {
            throw DataError("\(source): \(bytes.count) bytes is too short for an IDX header (4 bytes of magic number); the file is truncated or not IDX")
        }
        let magic = bigEndianUInt32(bytes, at: 0)
        guard bytes[0] == 0 && bytes[1] == 0 else {
            throw DataError("\(source): wrong magic number \(hex(magic)): " + (likelyCause(bytes)
                ?? "not an IDX file (an IDX file starts with two zero bytes); pass MNIST-format IDX files"))
        }
        guard bytes[2] == 0x08 else {
            throw DataError("\(source): IDX type byte \(hex(bytes[2])) (\(typeName(bytes[2]))) is not supported (magic \(hex(magic))); only unsigned bytes (0x08) are read, as in MNIST")
        }
        let rank = Int(bytes[3])
        let headerLength = 4 + 4 * rank
        guard bytes.count >= headerLength else {
            throw DataError("\(source): the header declares \(rank) dimensions (\(headerLength) header bytes) but the file has only \(bytes.count) bytes; the file is truncated, re-download it")
        }
        var dimensions: [Int] = []
        var expected = 1
        for d in 0 ..< rank {
            let size = Int(bigEndianUInt32(bytes, at: 4 + 4 * d))
            dimensions.append(size)
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw DataError("\(source): header sizes \(shape(dimensions)) overflow; the file is corrupt or not IDX")
            }
            expected = product
        }
        let actual = bytes.count - headerLength
        guard actual == expected else {
            let what = actual < expected ? "the file is truncated, re-download it" : "the file has extra bytes or a wrong header, re-download it"
            throw DataError("\(source): header sizes \(shape(dimensions)) need \(expected) data bytes but the file has \(actual) after the \(headerLength)-byte header; \(what)")
        }
        return Contents(dimensions: dimensions, values: Array(bytes[headerLength...]))
    }

    /// Parses an images file (magic 0x00000803).
    public static func images(_ bytes: [UInt8], source: String) throws -> Images {
        try checkMagic(bytes, expected: imagesMagic, kind: "images", source: source)
        let array = try parse(bytes, source: source)
        let d = array.dimensions
        return Images(count: d[0], rows: d[1], cols: d[2], pixels: array.values)
    }

    /// Parses a labels file (magic 0x00000801).
    public static func labels(_ bytes: [UInt8], source: String) throws -> [UInt8] {
        try checkMagic(bytes, expected: labelsMagic, kind: "labels", source: source)
        return try parse(bytes, source: source).values
    }

    /// Reads an images file from disk, un-gzipping it if its bytes are gzip.
    public static func readImages(path: String) throws -> Images {
        try images(FileBytes.read(path), source: path)
    }

    /// Reads a labels file from disk, un-gzipping it if its bytes are gzip.
    public static func readLabels(path: String) throws -> [UInt8] {
        try labels(FileBytes.read(path), source: path)
    }

    // MARK: - Helpers

    /// The magic number pins both type and rank, so checking it first catches swapped files
    /// (labels where images belong) with a message that says so.
    private static func checkMagic(_ bytes: [UInt8], expected: UInt32, kind: String, source: String) throws {
        guard bytes.count >= 4 else {
            throw DataError("\(source): \(bytes.count) bytes is too short for an IDX \(kind) file (magic \(hex(expected))); the file is truncated, re-download it")
        }
        let magic = bigEndianUInt32(bytes, at: 0)
        guard magic == expected else {
            if let cause = likelyCause(bytes) {
                throw DataError("\(source): wrong magic number \(hex(magic)), expected \(hex(expected)) for an IDX \(kind) file: \(cause)")
            }
            var hint = ""
            if magic == imagesMagic { hint = " (that of an images file)" }
            if magic == labelsMagic { hint = " (that of a labels file)" }
            throw DataError("\(source): wrong magic number \(hex(magic))\(hint), expected \(hex(expected)) for an IDX \(kind) file; check that the file is the MNIST \(kind) file and not swapped or corrupt")
        }
    }

    /// What a wrong magic number most likely means, when its bytes say: an HTML or XML page
    /// saved in place of the file (a failed download, a login or redirect page), or an IDX
    /// header written little-endian (the magic 0x00000803 stored as 03 08 00 00).
    static func likelyCause(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 4 else { return nil }
        // Bytes, not String: the file may hold anything.
        let start = bytes.prefix(64).firstIndex { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } ?? 0
        let head = bytes[start...].prefix(4).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        if ["<!do", "<htm", "<?xm", "<hea", "<bod"].contains(where: { Array($0.utf8) == head }) {
            return "the file is a web page (it starts with '\(String(decoding: bytes[start...].prefix(4), as: UTF8.self))'), not IDX data: the download saved an error or redirect page; download the file again (curl -L follows redirects)"
        }
        let swapped = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        if swapped == imagesMagic || swapped == labelsMagic {
            return "the header was written little-endian (the magic's bytes reversed, \(hex(swapped)) read backwards); IDX is big-endian: write the magic number and the sizes most significant byte first (numpy: dtype '>u4')"
        }
        return nil
    }

    private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset ..< offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    private static func hex(_ value: UInt8) -> String {
        "0x" + (value < 16 ? "0" : "") + String(value, radix: 16)
    }

    private static func shape(_ dimensions: [Int]) -> String {
        dimensions.isEmpty ? "(scalar)" : dimensions.map(String.init).joined(separator: " x ")
    }

    private static func typeName(_ type: UInt8) -> String {
        switch type {
        case 0x09: "signed byte"
        case 0x0B: "short"
        case 0x0C: "int"
        case 0x0D: "float"
        case 0x0E: "double"
        default: "unknown type"
        }
    }
}
