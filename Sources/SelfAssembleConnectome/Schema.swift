/// The fields a connectome file may have, section by section, in the order the renderer
/// writes them. The parser checks every key against these lists (Yams's Codable decoding
/// would silently ignore a misspelt key, which is how a typo turns into a wrong run), and
/// the lists give the "did you mean" suggestions.
enum Schema {
    static let top = ["name", "description", "seed", "input", "ratio", "levels", "cells", "learning",
                      "development", "data", "snapshots", "detection", "runtime"]
    static let level = ["name", "size", "ratio"]
    static let cells = ["upstream_activation", "downstream_activation", "loss"]
    static let learning = ["rule", "eta_w", "eta_v", "weight_decay", "batch", "epochs", "plastic", "top_teaching", "compare_bp",
                           "target_step", "inverse_noise", "inverse_rate", "orthogonality"]
    static let development = ["steps", "rate", "descending_steps", "descending_rate", "descending_decay"]
    static let data = ["path", "test_fraction", "normalize"]
    static let snapshots = ["every", "probe_size"]
    static let detection = ["reciprocity", "descending", "alignment_H", "consecutive"]
    static let runtime = ["threads"]

    /// Every section's fields, for pointing a field written in the wrong section to its place.
    static let sections: [(section: String, fields: [String])] = [
        ("", top), ("levels[l]", level), ("cells", cells), ("learning", learning), ("development", development),
        ("data", data), ("snapshots", snapshots), ("detection", detection), ("runtime", runtime),
    ]

    /// The text appended to an unknown field's message: the nearest known name of the same
    /// section, or the section where a field of that name lives, or the list of known fields.
    static func suggestion(for key: String, known: [String], section: String) -> String {
        if let near = nearest(to: key, in: known) {
            return "did you mean '\(near)'?"
        }
        for (other, fields) in sections where other != section {
            if let match = fields.first(where: { $0.lowercased() == key.lowercased() }) {
                let place = other.isEmpty ? "at the top level" : "under \(other):"
                return "'\(match)' belongs \(place)"
            }
        }
        return "known fields here: " + known.joined(separator: ", ")
    }

    /// The known name closest to `key` by edit distance (case-insensitive), if it is close
    /// enough to be a plausible typo: at most a third of the name's length in edits (1 to 3).
    static func nearest(to key: String, in known: [String]) -> String? {
        let lower = key.lowercased()
        var best: (name: String, distance: Int)?
        for name in known {
            let d = editDistance(lower, name.lowercased())
            if best == nil || d < best!.distance { best = (name, d) }
        }
        guard let best else { return nil }
        let allowed = max(1, min(3, best.name.count / 3))
        return best.distance <= allowed ? best.name : nil
    }

    /// Levenshtein distance (insertions, deletions, substitutions), on characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
