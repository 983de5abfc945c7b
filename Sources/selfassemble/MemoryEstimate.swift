import Foundation
import SelfAssemble

/// The memory a run needs, checked before anything is allocated: a mistyped size or ratio
/// (`--ratio 1e9`) otherwise ends in the Swift runtime's "failed to allocate" abort with a
/// backtrace instead of one line that names the fix.
enum MemoryEstimate {
    /// Bytes a run holds at once, at the least: every synapse three times as a 4-byte Float
    /// (the circuit, one learning step's update, one snapshot on its way to the file).
    static func bytes(of architecture: Architecture) -> Double { architecture.synapseCount * 4 * 3 }

    /// Throws when the circuit cannot fit into `physicalMemory` bytes (default: this machine's RAM).
    static func check(_ architecture: Architecture, physicalMemory: UInt64 = ProcessInfo.processInfo.physicalMemory) throws {
        let needed = bytes(of: architecture)
        guard needed > Double(physicalMemory) else { return }
        let synapses = architecture.synapseCount
        throw ConfigurationError("the circuit (upstream sizes \(architecture.upstreamSizes.map(String.init).joined(separator: ",")), downstream \(architecture.downstreamSizes.map(String.init).joined(separator: ","))) has \(String(format: "%.3g", synapses)) synapses and needs at least \(gigabytes(needed)) of memory, more than this machine's \(gigabytes(Double(physicalMemory))): choose smaller --sizes or --ratio")
    }

    static func gigabytes(_ bytes: Double) -> String {
        bytes >= 1e12 ? String(format: "%.0f TB", bytes / 1e12) : String(format: "%.1f GB", bytes / 1e9)
    }
}
