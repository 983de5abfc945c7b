/// A `simulate` whose learning diverged (``SelfAssemble/DivergenceCheck``): the run stopped
/// there and its file is complete and valid (it holds the run up to the divergence and says
/// where). Not a failure of the command, but not a trained circuit either: the summary is
/// printed as usual, then this one line on stderr, and the process exits with
/// ``exitCode``, so that a script can tell a diverged run from a trained one (0) and from a
/// failure (1) without reading the file. `compare` and `sweep` count a diverged run as a
/// result (their table has a divergence column), not as a failed run.
struct RunDiverged: Error, CustomStringConvertible {
    /// The exit status of a diverged run (README, "Exit status").
    static let exitCode: Int32 = 3

    let step: Int
    let path: String
    /// What diverged: "learning", or "development" for a blow-up of a development stage.
    var what = "learning"

    var description: String {
        "\(what) diverged at step \(step) and the run stopped there; \(path) is kept, complete and valid (it holds the run up to the divergence; `selfassemble validate` says so): exit status \(Self.exitCode) marks a diverged run"
    }
}
