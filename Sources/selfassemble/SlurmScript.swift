import Foundation

/// The Slurm batch script of a sweep (`sweep --emit slurm`): one job-array task per run of
/// the manifest, each running `selfassemble sweep --out DIR --task N`, which keeps a complete
/// run and continues an incomplete one from its last snapshot. A task that is preempted or
/// requeued (Slurm sends SIGTERM first: the run finishes its snapshot and marks its file
/// interrupted) therefore resumes its run when it starts again instead of starting over.
/// Nothing in it is specific to one cluster beyond the options the user gives.
struct SlurmScript {
    var directory: String
    var executable: String
    var runs: Int
    var jobName: String
    var partition: String?
    var time: String?
    var memory: String?
    var cpus: Int
    /// At most this many tasks at once (`--array=0-N%T`); nil: as many as Slurm allows.
    var throttle: Int?

    func render() -> String {
        var lines = [
            "#!/bin/bash",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=0-\(runs - 1)" + (throttle.map { "%\($0)" } ?? ""),
            "#SBATCH --cpus-per-task=\(cpus)",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        if let memory { lines.append("#SBATCH --mem=\(memory)") }
        lines += [
            "#SBATCH --output=\(directory)/slurm/%A_%a.out",
            "#SBATCH --open-mode=append",
            "#SBATCH --requeue",
            "# Written by `selfassemble sweep --emit slurm`: task N runs run N of \(directory)/manifest.json",
            "# (\(runs) runs). Submit: sbatch \(Self.quote(directory + "/sweep.slurm")). Then: selfassemble collect \(Self.quote(directory))",
            "# A task that is preempted or requeued runs the same command again: a complete run is kept",
            "# and an incomplete one continues from its last snapshot. SELFASSEMBLE overrides the binary.",
            "set -euo pipefail",
            "SELFASSEMBLE=\"${SELFASSEMBLE:-\(executable)}\"",
            "exec \"$SELFASSEMBLE\" sweep --out \(Self.quote(directory)) --task \"$SLURM_ARRAY_TASK_ID\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A word for bash: single-quoted unless it is plainly safe.
    static func quote(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+=:,".contains($0)) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
