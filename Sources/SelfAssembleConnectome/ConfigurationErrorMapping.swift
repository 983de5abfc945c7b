import SelfAssemble

/// Turns a ``ConfigurationError`` from ``SimulationConfiguration/validated()`` into the file's
/// field names. The parser checks every field itself first, so this is a backstop for checks
/// the engine adds later; the engine's messages use the command-line option names, which are
/// matched here by their first words.
enum ConfigurationErrorMapping {
    private static let fields: [(prefix: String, field: String)] = [
        ("sizes", "levels"), ("ratio", "levels"), ("level names", "levels"), ("batch", "learning.batch"),
        ("epochs", "learning.epochs"), ("development-steps", "development.steps"), ("eta-w", "learning.eta_w"),
        ("eta-v", "learning.eta_v"), ("development rate", "development.rate"),
        ("descending-steps", "development.descending_steps"), ("descending-rate", "development.descending_rate"),
        ("descending-decay", "development.descending_decay"), ("weight-decay", "learning.weight_decay"),
        ("snapshot-every", "snapshots.every"), ("probe size", "snapshots.probe_size"),
        ("test-fraction", "data.test_fraction"), ("threads", "runtime.threads"),
        ("the detector", "detection.consecutive"), ("nothing to simulate", "learning.epochs"),
        ("target-step", "learning.target_step"), ("inverse-noise", "learning.inverse_noise"),
        ("inverse-rate", "learning.inverse_rate"), ("orthogonality", "learning.orthogonality"),
    ]

    static func connectomeError(_ error: ConfigurationError, source: String) -> ConnectomeError {
        let field = fields.first { error.message.hasPrefix($0.prefix) }?.field
        return ConnectomeError(source: source, field: field, problem: error.message)
    }
}
