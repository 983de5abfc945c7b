import ArgumentParser
import Foundation

/// A comma-separated option value (`--sizes 64,128,10`, `--rules bp,fa`), parsed item by item;
/// an item that does not parse is one line naming the option, the item and what it takes.
enum OptionList {
    static func parse<T>(_ text: String, option: String, what: String, _ parse: (String) -> T?) throws -> [T] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.map { part in
            guard let value = parse(part) else {
                throw ValidationError("--\(option) takes \(what) separated by commas; '\(part)' in '\(text)' is not one")
            }
            return value
        }
    }
}
