import CHDF5
import SelfAssemble

/// The layout of a new run file, created before the first snapshot.
extension RunWriter {
    /// Creates every group, dataset and attribute of an empty run (docs/hdf5-format.md).
    func createLayout() throws {
        guard let file else { return }
        let a = metadata.architecture
        try file.setAttribute(RunLayout.Root.format, RunLayout.format, on: path)
        try file.setAttribute(RunLayout.Root.formatVersion, Int32(RunLayout.formatVersion), on: path)
        try file.setAttribute(RunLayout.Root.softwareVersion, SelfAssembleVersion.string, on: path)
        try file.setAttribute(RunLayout.Root.seed, metadata.seed, on: path)
        try file.setAttribute(RunLayout.Root.configuration, metadata.configurationJSON, on: path)
        try file.setAttribute(RunLayout.Root.data, metadata.dataDescription, on: path)
        try file.setAttribute(RunLayout.Root.status, RunLayout.Status.running, on: path)
        try file.setAttribute(RunLayout.Root.created, Self.now(), on: path)
        try file.setAttribute(RunLayout.Root.levels, Int32(clamping: a.levels), on: path)
        if let connectome = metadata.connectome {
            try file.setAttribute(RunLayout.Root.connectome, connectome, on: path)
        }

        let populations = try HDF5.createGroup(file, RunLayout.populations, in: path)
        for population in a.populations {
            let group = try HDF5.createGroup(populations, population.name, in: path)
            let what = "/populations/\(population.name) in \(path)"
            try group.setAttribute("stream", population.stream.rawValue, on: what)
            try group.setAttribute("level", Int32(clamping: population.level), on: what)
            try group.setAttribute("size", Int32(clamping: population.size), on: what)
            try group.setAttribute("compartments", Compartment.allCases.map(\.rawValue).joined(separator: ","), on: what)
        }

        let projectionGroup = try HDF5.createGroup(file, RunLayout.projections, in: path)
        for projection in a.projections {
            let dataset = try ExtendibleDataset<Float>(
                creating: projection.name, in: projectionGroup, parentPath: "/projections",
                trailing: [projection.rows, projection.cols], compressionLevel: compressionLevel, file: path)
            let what = "\(dataset.path) in \(path)"
            try dataset.handle.setAttribute("source", projection.source.name, on: what)
            try dataset.handle.setAttribute("target", projection.target.name, on: what)
            try dataset.handle.setAttribute("compartment", projection.compartment.rawValue, on: what)
            try dataset.handle.setAttribute("kind", projection.kind.rawValue, on: what)
            try dataset.handle.setAttribute("level", Int32(clamping: projection.level), on: what)
            try dataset.handle.setAttribute("axes", "snapshot,target,source", on: what)
            projections.append((projection, dataset))
        }

        let biasGroup = try HDF5.createGroup(file, RunLayout.biases, in: path)
        for l in 1...a.levels {
            let dataset = try ExtendibleDataset<Float>(
                creating: RunLayout.biasName(level: l), in: biasGroup, parentPath: "/biases",
                trailing: [a.upstreamSizes[l]], compressionLevel: compressionLevel, file: path)
            let what = "\(dataset.path) in \(path)"
            try dataset.handle.setAttribute("target", a.upstream(l).name, on: what)
            try dataset.handle.setAttribute("level", Int32(clamping: l), on: what)
            try dataset.handle.setAttribute("axes", "snapshot,target", on: what)
            biases.append(dataset)
        }

        let snapshotGroup = try HDF5.createGroup(file, RunLayout.snapshots, in: path)
        let step = try ExtendibleDataset<Int64>(creating: RunLayout.Snapshots.step, in: snapshotGroup, parentPath: "/snapshots",
                                                trailing: [], compressionLevel: 0, file: path)
        try step.handle.setAttribute("description", "updates applied before the snapshot (0: the random initial circuit)", on: "/snapshots/step in \(path)")
        let phase = try ExtendibleDataset<UInt8>(creating: RunLayout.Snapshots.phase, in: snapshotGroup, parentPath: "/snapshots",
                                                 trailing: [], compressionLevel: 0, file: path)
        try phase.handle.setAttribute("labels", RunLayout.Snapshots.phaseLabels, on: "/snapshots/phase in \(path)")
        let epoch = try ExtendibleDataset<Int32>(creating: RunLayout.Snapshots.epoch, in: snapshotGroup, parentPath: "/snapshots",
                                                 trailing: [], compressionLevel: 0, file: path)
        try epoch.handle.setAttribute("description", "learning epochs completed before the snapshot", on: "/snapshots/epoch in \(path)")
        steps = step
        phases = phase
        epochs = epoch

        let metricGroup = try HDF5.createGroup(file, RunLayout.metrics, in: path)
        for name in RunLayout.metricNames(levels: a.levels) {
            let dataset = try ExtendibleDataset<Double>(creating: name, in: metricGroup, parentPath: "/metrics",
                                                        trailing: [], compressionLevel: 0, file: path)
            let what = "\(dataset.path) in \(path)"
            try dataset.handle.setAttribute("description", RunLayout.metricDescription(name), on: what)
            if let level = name.split(separator: "_").last.flatMap({ Int32($0) }) {
                try dataset.handle.setAttribute("level", level, on: what)
            }
            metrics.append(dataset)
        }

        let resume = try HDF5.createGroup(file, RunLayout.Resume.group, in: path)
        let checkpointSeries = try StringSeries(creating: RunLayout.Resume.checkpoint, in: resume, parentPath: "/resume", file: path)
        try checkpointSeries.handle.setAttribute(
            "description", "per snapshot, the JSON checkpoint (generators, data order, detector, accumulators) that with the snapshot's weights continues the run exactly",
            on: "/resume/checkpoint in \(path)")
        checkpoints = checkpointSeries

        let assembly = try HDF5.createGroup(file, RunLayout.assembly, in: path)
        let onsets = try DatasetIO.writeVector([Int64](repeating: RunLayout.Assembly.notAssembled, count: a.levels),
                                               named: RunLayout.Assembly.onsetStep, in: assembly, path: "/assembly/onset_step", file: path)
        let what = "/assembly/onset_step in \(path)"
        try onsets.setAttribute("reciprocity", metadata.thresholds.reciprocity, on: what)
        try onsets.setAttribute("descending", metadata.thresholds.descending, on: what)
        try onsets.setAttribute("alignment_H", metadata.thresholds.alignmentH, on: what)
        try onsets.setAttribute("consecutive", Int32(clamping: metadata.thresholds.consecutive), on: what)
        try onsets.setAttribute("description", "step of the first of K consecutive snapshots passing every threshold, per level 1...L; -1: did not assemble", on: what)
    }
}
