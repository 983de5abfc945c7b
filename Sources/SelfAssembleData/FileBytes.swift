import Foundation

/// Reading a whole file into bytes, un-gzipping it when its content (not its name) says gzip.
///
/// MNIST is distributed gzipped, and copies get renamed or unpacked, so a `.gz` name is neither
/// necessary nor sufficient: the two magic bytes decide.
enum FileBytes {
    /// The bytes of `path`; inflated if they start with the gzip magic.
    static func read(_ path: String) throws -> [UInt8] {
        let raw: Data
        do {
            raw = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DataError("\(path): cannot be read (\(error.localizedDescription)); check that it is a readable file")
        }
        let bytes = [UInt8](raw)
        return Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, source: path) : bytes
    }
}
