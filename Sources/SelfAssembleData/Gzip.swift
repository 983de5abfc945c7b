import CZlib
import Foundation

/// Un-gzipping in memory with zlib.
///
/// MNIST's files are gzipped and the data sets are small enough to hold whole, so the loader
/// inflates a file's bytes at once rather than streaming. Concatenated gzip members (what
/// `cat a.gz b.gz` makes, and what `gunzip` accepts) are inflated one after another.
public enum Gzip {
    /// The largest inflated size ``decompress(_:source:limit:)`` accepts by default: half of
    /// this machine's memory (MNIST's largest file inflates to 47 MB).
    public static var defaultLimit: Int { Int(min(ProcessInfo.processInfo.physicalMemory / 2, UInt64(Int.max))) }

    static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f GB", Double(bytes) / 1e9)
            : bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / 1e6) : "\(bytes) bytes"
    }

    /// Whether `bytes` start with the gzip magic 1f 8b: the content decides, not the file name.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The inflated content of gzip `bytes`. `source` names the file in errors.
    ///
    /// Throws a `DataError` when the stream is corrupt, ends early (a truncated download), is
    /// followed by bytes that are neither another gzip member nor zero padding, or inflates to
    /// more than `limit` bytes (default: half of this machine's memory). Deflate packs up to
    /// about 1,000 bytes into one, so a small damaged or hostile file (a "zip bomb") could
    /// otherwise take all memory before any check of its content.
    public static func decompress(_ bytes: [UInt8], source: String, limit: Int = defaultLimit) throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer (not a raw zlib stream) and check the CRC.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError("\(source): zlib could not start inflating (out of memory?); try again or un-gzip the file with gunzip")
        }
        defer { inflateEnd(&stream) }

        let chunk = 1 << 16
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 4)
        var buffer = [UInt8](repeating: 0, count: chunk)

        try bytes.withUnsafeBufferPointer { input in
            guard let base = input.baseAddress else { return }
            let total = input.count
            var handedOver = 0  // bytes given to zlib so far (avail_in is 32-bit, so feed in slices)
            while true {
                if stream.avail_in == 0 && handedOver < total {
                    let n = min(total - handedOver, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: base + handedOver)
                    stream.avail_in = UInt32(n)
                    handedOver += n
                }
                var status: Int32 = Z_OK
                let produced = buffer.withUnsafeMutableBufferPointer { out -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunk)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return chunk - Int(stream.avail_out)
                }
                output.append(contentsOf: buffer[0 ..< produced])
                if output.count > limit {
                    throw DataError("\(source): the gzip data inflate to more than \(describe(limit)) (\(describe(total)) compressed), too much for this machine's memory; check that it is the data set you meant, or un-gzip it with gunzip to see its size")
                }

                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    let next = total - (Int(stream.avail_in) + (total - handedOver))
                    if next == total { return }
                    if next + 1 < total && input[next] == 0x1f && input[next + 1] == 0x8b {
                        inflateReset(&stream)  // another gzip member follows
                        continue
                    }
                    if input[next...].allSatisfy({ $0 == 0 }) { return }  // zero padding, as gunzip allows
                    throw DataError("\(source): \(total - next) unexpected bytes follow the end of the gzip data; re-download the file")
                case Z_BUF_ERROR where stream.avail_in == 0 && handedOver == total:
                    throw DataError("\(source): the gzip data end early (truncated file, inflated \(output.count) bytes); re-download it")
                case Z_BUF_ERROR:
                    continue  // no progress this round only because the output chunk was full
                case Z_MEM_ERROR:
                    throw DataError("\(source): out of memory while un-gzipping (\(output.count) bytes so far)")
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw DataError("\(source): the gzip data are corrupt (\(detail)); re-download the file")
                }
            }
        }
        return output
    }
}
