/// Every fuzz target, one per reader of outside input (docs/fuzzing.md).
public enum FuzzTargets {
    public static let all: [FuzzTarget] = [
        DataTargets.idx, DataTargets.gzip, DataTargets.csv, DataTargets.idxDirectory,
        ConnectomeTarget.connectome,
        RunFileTargets.inspect, RunFileTargets.validate, RunFileTargets.export, RunFileTargets.report,
        RunFileTargets.resume,
    ]

    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
