import Foundation

/// The processor this process runs on, as Linux describes it in /proc/cpuinfo: its model name
/// and its CPU flags (the instruction sets it offers, e.g. avx2, avx512f). Elsewhere (no
/// /proc/cpuinfo) both are unknown and no kernel advice is given.
struct ProcessorDescription {
    var modelName: String?
    var flags: Set<String>

    /// Reads the first processor's entry of `path`; nil when the file cannot be read.
    static func read(path: String = "/proc/cpuinfo") -> ProcessorDescription? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var model: String?, flags: Set<String>?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if key == "model name", model == nil { model = value }
            if key == "flags", flags == nil { flags = Set(value.split(separator: " ").map { $0.lowercased() }) }
            if model != nil && flags != nil { break }
        }
        guard let flags else { return nil }
        return ProcessorDescription(modelName: model, flags: flags)
    }

    /// The vector instruction sets among the flags, widest first, for one line of text.
    var vectorFlags: [String] {
        ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16", "avx2", "fma", "avx", "sse3"].filter(flags.contains)
    }
}
