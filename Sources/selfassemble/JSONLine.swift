import Foundation

/// One JSON object per line on stdout. Non-finite numbers become null (JSON has no NaN).
enum JSONLine {
    static func emit(_ object: [String: Any]) {
        Terminal.standardOutput(encode(object))
    }

    static func encode(_ object: [String: Any]) -> String {
        let clean = sanitize(object)
        guard let data = try? JSONSerialization.data(withJSONObject: clean, options: [.sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func sanitize(_ value: Any) -> Any {
        switch value {
        case let d as Double: return d.isFinite ? d : NSNull()
        case let f as Float: return f.isFinite ? Double(f) : NSNull()
        case let u as UInt64: return NSNumber(value: u)
        case let dict as [String: Any]: return dict.mapValues(sanitize)
        case let array as [Any]: return array.map(sanitize)
        case Optional<Any>.none: return NSNull()
        default: return value
        }
    }
}
