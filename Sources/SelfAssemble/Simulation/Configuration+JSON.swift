import Foundation

/// The configuration as JSON text: what every run file stores (root attribute `configuration`)
/// and reads back to continue a run. One encoding, sorted and indented, so that two files of
/// the same configuration hold the same text.
extension SimulationConfiguration {
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public init(json: String) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(json.utf8))
    }
}
