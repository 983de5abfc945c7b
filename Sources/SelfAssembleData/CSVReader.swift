import SelfAssemble

/// Parsing a classification data set from CSV: a header row, then one sample a line with the
/// label (a class number 0, 1, 2, ...) in the first column and the features after it.
///
/// Features are returned as written: how they are scaled is the loader's normalization, whose
/// statistics come from the training split only (see ``DataLoader``). The parser works on bytes
/// rather than `String` lines because an MNIST-sized CSV has tens of millions of fields. Fields are plain numbers;
/// surrounding spaces and double quotes are ignored, blank lines are skipped, CRLF is accepted.
public enum CSVReader {
    /// A parsed CSV file.
    public struct Table: Equatable, Sendable {
        /// The header's column names, label column first.
        public let columnNames: [String]
        /// The samples, features as written; `classes` is the largest label + 1.
        public let data: LabeledData
    }

    /// Reads a CSV file from disk, un-gzipping it if its bytes are gzip.
    public static func read(path: String) throws -> Table {
        try parse(FileBytes.read(path), source: path)
    }

    /// Parses CSV text. `source` names the file in errors.
    public static func parse(text: String, source: String) throws -> Table {
        try parse(Array(text.utf8), source: source)
    }

    /// Parses CSV bytes (UTF-8 or ASCII). `source` names the file in errors.
    public static func parse(_ bytes: [UInt8], source: String) throws -> Table {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // UTF-8 byte order mark
        if bytes.count >= start + 4 && bytes[start] == 0 && bytes[start + 1] == 0 && bytes[start + 2] == 0x08 {
            throw DataError("\(source): this is an IDX file, not CSV; pass the directory that holds the four MNIST-format IDX files")
        }

        var columnNames: [String]? = nil
        var labels: [Int] = []
        var features: [Float] = []
        var lineNumber = 0
        var fields: [Range<Int>] = []

        var lineStart = start
        while lineStart < bytes.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }

            split(bytes, lineStart ..< lineEnd, into: &fields)
            if fields.count == 1 && fields[0].isEmpty { continue }  // blank line

            guard let names = columnNames else {
                let names = fields.map { String(decoding: bytes[$0], as: UTF8.self) }
                guard names.count >= 2 else {
                    throw DataError("\(source): the header (line \(lineNumber)) has \(names.count) column; expected the label column then at least one feature column, separated by commas")
                }
                if fields.allSatisfy({ number(bytes, $0) != nil }) {
                    throw DataError("\(source): the first line looks like data, not a header; add a header row such as label,x1,x2,... as the first line")
                }
                columnNames = names
                continue
            }

            guard fields.count == names.count else {
                throw DataError("\(source): line \(lineNumber) has \(fields.count) columns but the header has \(names.count); fix or remove that line")
            }
            for (c, range) in fields.enumerated() {
                guard let value = number(bytes, range) else {
                    let shown = range.isEmpty ? "an empty value" : "'\(quoted(bytes[range]))'"
                    throw DataError("\(source): line \(lineNumber), column \(c + 1) (\(quoted(names[c]))): \(shown) is not a number; every value must be numeric")
                }
                if c == 0 {
                    labels.append(try label(value, text: bytes[range], line: lineNumber, source: source))
                    continue
                }
                let feature = Float(value)
                guard value.isFinite && feature.isFinite else {
                    throw DataError("\(source): line \(lineNumber), column \(c + 1) (\(quoted(names[c]))): feature '\(quoted(bytes[range]))' is not a finite number (NaN or infinite, or beyond Float range); replace or remove it")
                }
                features.append(feature)
            }
        }

        guard let names = columnNames else {
            throw DataError("\(source): the file is empty; expected a header row then one sample a line (label first)")
        }
        guard !labels.isEmpty else {
            throw DataError("\(source): the file has a header but no data rows; add one sample a line (label first)")
        }
        let inputs = Matrix(rows: labels.count, cols: names.count - 1, values: features)
        let classes = (labels.max() ?? 0) + 1
        return Table(columnNames: names, data: LabeledData(inputs: inputs, labels: labels, classes: classes))
    }

    // MARK: - Helpers

    /// A label as a class number, or an error that says why it is not one.
    private static func label(_ value: Double, text: ArraySlice<UInt8>, line: Int, source: String) throws -> Int {
        let shown = quoted(text)
        guard value.isFinite && value == value.rounded() else {
            throw DataError("\(source): line \(line): label '\(shown)' is not an integer; labels must be class numbers 0, 1, 2, ...")
        }
        guard value >= 0 else {
            throw DataError("\(source): line \(line): label \(shown) is negative; labels must be class numbers 0, 1, 2, ...")
        }
        guard value <= 1_000_000, let label = Int(exactly: value) else {
            throw DataError("\(source): line \(line): label \(shown) is too large (more than 1000000); labels must be class numbers 0, 1, 2, ...")
        }
        return label
    }

    /// A field or column name as a message shows it: on one line (control characters such as
    /// a stray carriage return written as escapes, so that the message stays one line on a
    /// terminal) and at most 40 characters.
    static func quoted(_ text: ArraySlice<UInt8>) -> String {
        quoted(String(decoding: text, as: UTF8.self))
    }

    static func quoted(_ text: String) -> String {
        var shown = ""
        for (count, character) in text.unicodeScalars.enumerated() {
            if count == 40 { return shown + "..." }
            let value = character.value
            shown += value < 0x20 || (0x7F ... 0x9F).contains(value) || value == 0x2028 || value == 0x2029
                ? character.escaped(asASCII: true) : String(character)
        }
        return shown
    }

    /// Splits `line` at commas into field ranges, each trimmed of spaces, tabs, a trailing CR
    /// and enclosing double quotes.
    private static func split(_ bytes: [UInt8], _ line: Range<Int>, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var fieldStart = line.lowerBound
        var i = line.lowerBound
        while true {
            if i == line.upperBound || bytes[i] == 0x2C {
                var lo = fieldStart, hi = i
                while lo < hi && isSpace(bytes[lo]) { lo += 1 }
                while hi > lo && isSpace(bytes[hi - 1]) { hi -= 1 }
                if hi - lo >= 2 && bytes[lo] == 0x22 && bytes[hi - 1] == 0x22 { lo += 1; hi -= 1 }
                fields.append(lo ..< hi)
                if i == line.upperBound { return }
                fieldStart = i + 1
            }
            i += 1
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// The number in `range`, or nil. Plain integers (most pixel data) take a fast path; anything
    /// else goes through `Double(String)`, which also accepts "nan" and "inf" (rejected later
    /// with a message of their own).
    private static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Double? {
        guard !range.isEmpty else { return nil }
        var i = range.lowerBound
        let negative = bytes[i] == 0x2D
        if negative || bytes[i] == 0x2B { i += 1 }
        if i < range.upperBound && range.upperBound - i <= 15 {
            var value = 0
            var j = i
            while j < range.upperBound, bytes[j] >= 0x30, bytes[j] <= 0x39 {
                value = value * 10 + Int(bytes[j] - 0x30)
                j += 1
            }
            if j == range.upperBound { return Double(negative ? -value : value) }
        }
        return Double(String(decoding: bytes[range], as: UTF8.self))
    }
}
