import Foundation

/// A target's seed corpus and dictionary, read from its directories under the package root.
///
/// Every regular file in a corpus directory is a seed, except `*.dict`, which is a libFuzzer
/// dictionary (one `"token"` a line, with `\xNN` and `\"` escapes) whose tokens the seeded
/// mutator inserts too, and README.md.
public struct FuzzCorpus {
    public let seeds: [(name: String, bytes: [UInt8])]
    public let dictionary: [[UInt8]]
    /// The dictionary file, for libFuzzer's -dict=.
    public let dictionaryPath: String?

    public init(target: FuzzTarget, root: URL) throws {
        var seeds: [(String, [UInt8])] = []
        var dictionary: [[UInt8]] = []
        var dictionaryPath: String?
        for directory in target.corpus {
            let url = root.appendingPathComponent(directory)
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            for name in names where name != "README.md" {
                let file = url.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                let bytes = [UInt8](try Data(contentsOf: file))
                if name.hasSuffix(".dict") {
                    dictionary += Self.tokens(ofDictionary: String(decoding: bytes, as: UTF8.self))
                    dictionaryPath = dictionaryPath ?? file.path
                } else {
                    seeds.append(("\(directory)/\(name)", bytes))
                }
            }
        }
        self.seeds = seeds
        self.dictionary = dictionary
        self.dictionaryPath = dictionaryPath
    }

    /// The tokens of a libFuzzer dictionary: `name="value"` or `"value"` lines; `#` comments.
    static func tokens(ofDictionary text: String) -> [[UInt8]] {
        text.split(whereSeparator: \.isNewline).compactMap { line -> [UInt8]? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let open = trimmed.firstIndex(of: "\""), trimmed.last == "\"",
                  open < trimmed.index(before: trimmed.endIndex) else { return nil }
            let body = Array(trimmed[trimmed.index(after: open) ..< trimmed.index(before: trimmed.endIndex)].utf8)
            var bytes: [UInt8] = []
            var i = 0
            while i < body.count {
                if body[i] == UInt8(ascii: "\\"), i + 1 < body.count {
                    if body[i + 1] == UInt8(ascii: "x"), i + 3 < body.count,
                       let value = UInt8(String(decoding: body[i + 2 ... i + 3], as: UTF8.self), radix: 16) {
                        bytes.append(value)
                        i += 4
                        continue
                    }
                    bytes.append(body[i + 1])
                    i += 2
                    continue
                }
                bytes.append(body[i])
                i += 1
            }
            return bytes.isEmpty ? nil : bytes
        }
    }
}
