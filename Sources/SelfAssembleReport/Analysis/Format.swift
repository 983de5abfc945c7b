import Foundation

/// Number formatting shared by the analysis's sentences and the renderers, so that a number
/// reads the same in the Markdown, the terminal and the figures.
public enum Format {
    /// Fixed decimals; "-" for a value that is not a number.
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : "-"
    }

    public static func fixed(_ x: Double?, _ digits: Int) -> String {
        x.map { fixed($0, digits) } ?? "-"
    }

    /// The shortest form that shows the value (0.9, 0.5, 1e-05), for options and thresholds.
    public static func short(_ x: Double) -> String {
        if x.isFinite && x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return String(format: "%g", x)
    }

    /// A z-score: one decimal, "-" when undefined.
    public static func z(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "-" }
        return abs(x) >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x)
    }

    /// A count that is an integer in principle (a float null mean keeps its decimals).
    public static func count(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.1f", x)
    }

    /// Four significant digits in plain or scientific notation, for weights and eigenvalues.
    public static func significant(_ x: Double) -> String {
        guard x.isFinite else { return "-" }
        if x != 0 && (abs(x) >= 1e5 || abs(x) < 1e-3) { return String(format: "%.3e", x) }
        return String(format: "%.4g", x)
    }
}
