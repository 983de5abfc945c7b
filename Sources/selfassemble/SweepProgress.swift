import Foundation

/// The sweep's overall progress on stderr: "sweep: 5/12 done, 2 running, 1 failed, about 3 min
/// left". On a terminal it is one live line, redrawn in place, with each run's start and end
/// printed above it; otherwise (a log file, a batch system) a plain line whenever a count
/// changes, between the runs' own lines.
final class SweepProgress: @unchecked Sendable {
    private let live = Terminal.standardErrorIsTerminal
    private var lastShown = ""
    private var lastLine = ""
    private let lock = NSLock()

    func log(_ line: String) {
        lock.withLock {
            Terminal.standardErrorRaw((live && !lastShown.isEmpty ? "\r\u{1B}[K" : "") + "sweep: " + line + "\n")
            if live && !lastShown.isEmpty { Terminal.standardErrorRaw(lastShown) }
        }
    }

    func update(_ status: PoolStatus) {
        let line = Self.line(status)
        lock.withLock {
            if live {
                lastShown = String(line.prefix(Terminal.standardErrorColumns - 1))
                Terminal.standardErrorRaw("\r\u{1B}[K" + lastShown)
            } else {
                // Counts only: a line per change, not per second.
                let counts = line.components(separatedBy: ", about").first ?? line
                if counts != lastLine { Terminal.standardError(line) }
                lastLine = counts
            }
        }
    }

    func finish() {
        lock.withLock { if live && !lastShown.isEmpty { Terminal.standardErrorRaw("\n") } }
    }

    static func line(_ s: PoolStatus) -> String {
        var text = "sweep: \(s.done)/\(s.total) done, \(s.running.count) running, \(s.failed) failed"
        if s.kept > 0 { text += " (\(s.kept) kept from before)" }
        if s.done + s.failed < s.total {
            text += s.secondsLeft().map { ", about \(duration($0)) left" } ?? ", time left: known after the first run"
        }
        return text
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 90 { return "\(Int(seconds.rounded())) s" }
        if seconds < 5400 { return "\(Int((seconds / 60).rounded())) min" }
        return String(format: "%.1f h", seconds / 3600)
    }
}
