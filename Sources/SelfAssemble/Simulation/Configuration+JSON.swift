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

    /// Reads a configuration written by this or an earlier version. A key that an earlier
    /// version did not write takes the value that version ran with (``legacyValues``), so an
    /// old run file reads back as the run it recorded.
    public init(json: String) throws {
        var data = Data(json.utf8)
        if var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let missing = Self.legacyValues.filter { object[$0.key] == nil }
            if !missing.isEmpty {
                object.merge(missing) { stored, _ in stored }
                data = try JSONSerialization.data(withJSONObject: object)
            }
        }
        self = try JSONDecoder().decode(Self.self, from: data)
    }

    /// Fields added after the first file format, with the value that files without them ran
    /// with: version 1 of the model had no descending stage and taught the top level by e; the
    /// target-propagation hyperparameters were fixed at their defaults.
    /// (Immutable; `Any` only because JSONSerialization speaks it.)
    nonisolated(unsafe) static let legacyValues: [String: Any] = [
        "descendingSteps": 0,
        "descendingRate": 1.3,
        "descendingDecay": 2e-3,
        "topTeaching": TopTeaching.error.rawValue,
        // The target-propagation rules ran at these before they could be set.
        "targetStep": 0.2,
        "inverseNoise": 0.1,
        "inverseRate": 0.5,
        "orthogonality": 1e-3,
    ]
}
