/// Which stream a group of cells belongs to.
public enum Stream: String, Sendable, Codable, CaseIterable {
    /// The ascending stream U_0 ... U_L; U_0 is the input, U_L the output read by the error module.
    case upstream
    /// The descending stream D_1 ... D_L, wider than the upstream one by the ratio r.
    case downstream
}

/// The two compartments of a pyramidal cell.
public enum Compartment: String, Sendable, Codable, CaseIterable {
    /// Feedforward drive; sets the somatic rate.
    case basal
    /// Feedback drive; gates plasticity and carries the teaching signal.
    case apical
}

/// A node of the circuit: a group of pyramidal cells, each with a basal and an apical
/// compartment, simulated at the population level (one rate per cell).
public struct Population: Equatable, Hashable, Sendable, Codable {
    public var stream: Stream
    /// Level l: 0 ... L for the upstream stream (0 is the input), 1 ... L downstream.
    public var level: Int
    /// Number of cells.
    public var size: Int

    public init(stream: Stream, level: Int, size: Int) {
        self.stream = stream
        self.level = level
        self.size = size
    }

    /// `U_l` or `D_l`, the names of the model.
    public var name: String { (stream == .upstream ? "U_" : "D_") + String(level) }

    /// True for U_0, which receives the task input and has no afferent projection.
    public var isInput: Bool { stream == .upstream && level == 0 }
}
