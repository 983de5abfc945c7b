import Foundation
import SelfAssemble

/// What continuing a run needs from its file: the configuration, the circuit of a snapshot
/// (``RunReader/circuit(snapshot:)``) and the checkpoint taken with it.
extension RunReader {
    /// The stored configuration, decoded.
    public func configuration() throws -> SimulationConfiguration {
        do {
            return try SimulationConfiguration(json: configurationJSON)
        } catch {
            throw StoreError("the configuration stored in \(path) cannot be read by selfassemble \(SelfAssembleVersion.string): \(error)")
        }
    }

    /// The checkpoint taken with snapshot `snapshot` (an index into the snapshots).
    public func checkpoint(snapshot: Int) throws -> SimulationCheckpoint {
        guard HDF5.linkExists(file, RunLayout.Resume.group) else {
            throw StoreError("\(path) has no checkpoints (/resume/checkpoint): it cannot be continued")
        }
        let group = try HDF5.openGroup(file, RunLayout.Resume.group, in: path)
        let series = try StringSeries(opening: "/\(RunLayout.Resume.group)/\(RunLayout.Resume.checkpoint)", in: group, file: path)
        let json = try series.read(at: snapshot, file: path)
        do {
            return try SimulationCheckpoint(json: json)
        } catch {
            throw StoreError("the checkpoint of snapshot \(snapshot) in \(path) is damaged: \(error)")
        }
    }

    /// The resolved circuit definition (YAML) stored with the run, if any.
    public func connectome() throws -> String? {
        guard file.hasAttribute(RunLayout.Root.connectome) else { return nil }
        return try file.stringAttribute(RunLayout.Root.connectome, of: path)
    }
}

/// Where a run file that was killed or interrupted continues from: its last snapshot.
public struct ResumePoint: Sendable {
    public var configuration: SimulationConfiguration
    public var checkpoint: SimulationCheckpoint
    /// The circuit of the last snapshot.
    public var circuit: Circuit
    /// The run's metadata, for the writer that continues the file.
    public var metadata: RunMetadata
}

extension RunReader {
    /// The last snapshot's circuit and checkpoint with the run's configuration and metadata.
    /// Throws for a complete run (nothing to continue) and for one with no snapshot yet.
    public func resumePoint() throws -> ResumePoint {
        guard !isComplete else {
            throw StoreError("\(path) is already complete: nothing to continue (start a new run with another --out)")
        }
        guard snapshotCount > 0 else {
            throw StoreError("\(path) has no snapshot to continue from: start the run again with --overwrite")
        }
        let architecture = try architecture()
        var metadata = RunMetadata(configurationJSON: configurationJSON, seed: seed, dataDescription: dataDescription,
                                   architecture: architecture, thresholds: try thresholds())
        metadata.connectome = try connectome()
        metadata.feedback = try storedFeedback()
        if file.hasAttribute(RunLayout.Root.replaces) {
            metadata.replaces = try file.stringAttribute(RunLayout.Root.replaces, of: path)
        }
        let last = snapshotCount - 1
        // What continuing takes from the file must agree with itself: a damaged configuration or
        // checkpoint would otherwise size the continued run or step it from nonsense.
        let configuration = try configuration()
        guard (try? configuration.validated()) == architecture else {
            throw StoreError("the configuration stored in \(path) does not describe the circuit in its /populations (sizes \(configuration.sizes)): the file is damaged and cannot be continued")
        }
        let checkpoint = try checkpoint(snapshot: last)
        let step = try steps()[last]
        guard checkpoint.step == step else {
            throw StoreError("the checkpoint of the last snapshot in \(path) is at step \(checkpoint.step), the snapshot at step \(step): the file is damaged and cannot be continued")
        }
        return ResumePoint(configuration: configuration, checkpoint: checkpoint, circuit: try circuit(snapshot: last), metadata: metadata)
    }
}
