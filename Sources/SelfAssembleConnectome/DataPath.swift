import Foundation

/// Where `data.path` points. A relative path is relative to the connectome file's own
/// directory, not to the working directory, so that a file and its data can move together
/// and `--connectome` works from anywhere; the resolved (absolute, standardized) path is what
/// the configuration holds, so the definition written back into a run file stands alone.
enum DataPath {
    static func resolve(_ path: String, field: Field, baseDirectory: String?, mustExist: Bool) throws -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let resolved: String
        if expanded.hasPrefix("/") {
            resolved = URL(fileURLWithPath: expanded).standardizedFileURL.path
        } else if let baseDirectory {
            resolved = URL(fileURLWithPath: baseDirectory, isDirectory: true).appendingPathComponent(expanded).standardizedFileURL.path
        } else {
            resolved = expanded
        }
        if mustExist && !FileManager.default.fileExists(atPath: resolved) {
            let shown = resolved == path ? "'\(path)'" : "'\(path)' (resolved to \(resolved))"
            throw field.fail("\(shown) does not exist; give a directory of MNIST-format IDX files or a CSV file (a relative path is relative to the connectome file's directory), or leave data.path out for the synthetic task")
        }
        return resolved
    }
}
