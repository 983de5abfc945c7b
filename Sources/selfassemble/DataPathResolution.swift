import Foundation
import SelfAssemble

extension SimulationConfiguration {
    /// The configuration with its data path made absolute (against the working directory).
    ///
    /// A relative path is what the user typed, relative to where they typed it; the run file
    /// and the definitions written beside runs are read later from other directories (`simulate
    /// --resume` elsewhere, child runs of `compare --jobs`), where the same relative path names
    /// another file or none.
    func withAbsoluteDataPath() -> SimulationConfiguration {
        guard let path = data, !path.hasPrefix("/") else { return self }
        var c = self
        c.data = URL(fileURLWithPath: path).standardizedFileURL.path
        return c
    }
}
