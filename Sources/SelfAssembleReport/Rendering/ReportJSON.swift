import Foundation

/// The report as JSON: every number of the Markdown (and the metric series behind the
/// figures), keys in snake_case and sorted, so that two reports of the same file are
/// byte-identical. A value that is not defined is left out (an optional field) or null (in a
/// series); a stray NaN would be written as the string "nan" rather than fail.
public enum ReportJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    public static func encode(_ report: MotifReport) throws -> Data {
        do {
            return try encoder().encode(report)
        } catch {
            throw ReportError("cannot encode the report as JSON: \(error)")
        }
    }

    public static func string(_ report: MotifReport) throws -> String {
        String(decoding: try encode(report), as: UTF8.self)
    }

    public static func decode(_ data: Data) throws -> MotifReport {
        try decoder().decode(MotifReport.self, from: data)
    }
}
