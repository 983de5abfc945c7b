/// The cell model shared by every pass and rule: the upstream activation f (hidden levels),
/// the downstream activation phi, and the loss of the error module.
public struct CircuitDynamics: Equatable, Sendable, Codable {
    public var upstreamActivation: Activation
    public var downstreamActivation: Activation
    public var loss: Loss

    public init(upstreamActivation: Activation = .relu, downstreamActivation: Activation = .identity,
                loss: Loss = .crossEntropy) {
        self.upstreamActivation = upstreamActivation
        self.downstreamActivation = downstreamActivation
        self.loss = loss
    }
}
