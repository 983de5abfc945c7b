import ArgumentParser
import Foundation

/// The --out directory of a command that writes many files (compare, sweep): created with its
/// parents when absent; a file of that name, or a directory that cannot be created, is one
/// line naming it and the fix. Exit status 1, as for every output or input path the file
/// system refuses (simulate's and export's --out, --data, --connectome): 64 is for values
/// that are wrong whatever the file system holds (README, "Exit status").
enum OutputDirectory {
    struct Unusable: Error, CustomStringConvertible {
        let description: String
    }

    /// - Parameters:
    ///   - holding: what the directory holds, e.g. "the run files and tables".
    ///   - example: a directory name for the message, e.g. "comparison".
    static func create(_ out: String, holding: String, example: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw Unusable(description: "--out names the directory of \(holding), but \(out) is a file: choose a directory, e.g. --out \(example)")
        }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw Unusable(description: "cannot create the directory \(out) (--out): check that its parent exists and is writable, or choose another --out")
        }
    }
}
