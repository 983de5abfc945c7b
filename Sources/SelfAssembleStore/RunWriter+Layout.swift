import CHDF5
import SelfAssemble

/// The writer's side of the layout declaration (RunLayout+Declaration.swift): what it creates
/// and writes at each moment of a run.
extension RunWriter {
    /// The declared layout of this run.
    var declaration: LayoutGroup { RunLayout.declaration(RunShape(metadata.architecture, feedback: metadata.feedback)) }

    /// Creates every group, dataset and attribute of an empty run (docs/hdf5-format.md).
    func createLayout() throws {
        guard let file else { return }
        series = []
        try apply(.creation(metadata), to: declaration, handle: file, at: "/", action: "create")
        series = Self.appendOrder(series)
    }

    /// Opens the per-snapshot datasets of a file written earlier, in the order of ``appendOrder(_:)``.
    func openSeries() throws {
        guard let file else { return }
        series = try declaration.perSnapshotDatasets().map { path, declared in
            let parent = LayoutPath.split(path).parent
            let group = parent == "/" ? file : try HDF5.openGroup(file, String(parent.dropFirst()), in: self.path)
            return (declared, try SnapshotSeriesStore.open(declared, at: path, in: group, file: self.path))
        }
    }

    /// The snapshot counter (/snapshots/step) last: a reader counts snapshots by it, so a
    /// snapshot interrupted half-way is not counted.
    static func appendOrder(_ series: [(declared: LayoutDataset, dataset: SnapshotSeries)]) -> [(declared: LayoutDataset, dataset: SnapshotSeries)] {
        series.filter { !$0.declared.countsSnapshots } + series.filter { $0.declared.countsSnapshots }
    }

    /// Writes what the declaration stores at `moment` in `declared` and below: the groups made
    /// at that moment, the per-snapshot datasets (at creation, collected in `series`), the values
    /// of fixed datasets with their attributes, and the attributes of groups, which come after
    /// a group's contents (so that `status` = "complete" is the last thing a finish writes).
    private func apply(_ moment: LayoutMoment, to declared: LayoutGroup, handle group: HDF5Handle, at groupPath: String,
                       action: String) throws {
        for dataset in declared.datasets {
            let datasetPath = LayoutPath.join(groupPath, dataset.name)
            let handle: HDF5Handle
            if dataset.isPerSnapshot {
                guard moment.isCreation else { continue }
                let created = try SnapshotSeriesStore.create(dataset, at: datasetPath, in: group, compressionLevel: compressionLevel, file: path)
                series.append((dataset, created))
                handle = created.handle
            } else if case .fixed(let shape) = dataset.shape {
                guard let values = try values(of: dataset, at: moment, action: action) else { continue }
                handle = try DatasetIO.write(values, declared: shape, named: dataset.name, in: group, path: datasetPath, file: path)
            } else {
                continue
            }
            try setAttributes(dataset.attributes, at: moment, on: handle, "\(datasetPath) in \(path)")
        }
        for child in declared.groups {
            let handle: HDF5Handle
            if HDF5.linkExists(group, child.name) {
                handle = try HDF5.openGroup(group, child.name, in: path)
            } else if child.createdAt(moment) {
                handle = try HDF5.createGroup(group, child.name, in: path)
            } else {
                continue
            }
            try apply(moment, to: child, handle: handle, at: LayoutPath.join(groupPath, child.name), action: action)
        }
        try setAttributes(declared.attributes, at: moment, on: group, groupPath == "/" ? path : "\(groupPath) in \(path)")
    }

    /// The values a dataset declares for `moment`; a StoreError names the file and the action.
    func values(of dataset: LayoutDataset, at moment: LayoutMoment, action: String) throws -> LayoutValues? {
        do {
            return try dataset.values(moment)
        } catch let error as StoreError {
            throw StoreError("cannot \(action) \(path): \(error.message)")
        }
    }

    private func setAttributes(_ attributes: [LayoutAttribute], at moment: LayoutMoment, on object: HDF5Handle, _ what: String) throws {
        for attribute in attributes {
            switch attribute.value(moment) {
            case nil: continue
            case .string(let value): try object.setAttribute(attribute.name, value, on: what)
            case .int32(let value): try object.setAttribute(attribute.name, value, on: what)
            case .int64(let value): try object.setAttribute(attribute.name, value, on: what)
            case .uint64(let value): try object.setAttribute(attribute.name, value, on: what)
            case .float64(let value): try object.setAttribute(attribute.name, value, on: what)
            }
        }
    }

    /// Writes the outcome, in the order of ``apply(_:to:handle:at:action:)``.
    func writeOutcome(_ outcomes: RunOutcomes, in file: HDF5Handle) throws {
        try apply(.finish(outcomes), to: declaration, handle: file, at: "/", action: "finish")
    }
}
