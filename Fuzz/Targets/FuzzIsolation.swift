import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs one input of a target in a child process of its own.
///
/// The run-file targets are run so in the seeded runs: the HDF5 library keeps state between
/// files (its free lists, its heap), and on damaged files it can leave that state corrupt
/// without failing, so that a later, harmless input crashes. One input per process is what a
/// command does (one file per `selfassemble` run), and it makes a crash belong to its input.
/// The libFuzzer driver does not do this (coverage is gathered in-process); docs/fuzzing.md says
/// how to tell the two apart when a long run finds a crash.
public enum FuzzIsolation {
    public static func run(_ target: FuzzTarget, _ input: [UInt8], in scratch: FuzzScratch) -> FuzzOutcome {
        let report = scratch.path("child-outcome")
        unlink(report)
        fflush(nil)  // nothing buffered is written twice
        let child = fork()
        if child == 0 {
            let outcome = target.run(input, in: scratch)
            let (code, text): (Int32, String) = switch outcome {
            case .read(let reader): (10, reader)
            case .rejected(let message): (11, message)
            case .failed(let description): (12, description)
            }
            _ = try? scratch.write(Array(text.utf8), to: "child-outcome")
            _exit(code)
        }
        guard child > 0 else { return target.run(input, in: scratch) }  // no process: run it here
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        let signal = status & 0x7F
        if signal != 0 {
            return .failed("\(target.name): the process crashed (signal \(signal)) on this input")
        }
        switch (status >> 8) & 0xFF {
        case 10: return .read(text)
        case 11: return .rejected(text)
        case 12: return .failed(text)
        case let code: return .failed("\(target.name): the process exited with status \(code) on this input")
        }
    }
}
