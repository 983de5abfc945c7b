import Foundation

/// A minimal SVG writer: the project draws its own figures (lines, rectangles, text), so no
/// plotting library is needed and the files are plain, small and diff-able. Every element
/// carries a `class` naming what it shows (series, threshold, boundary, onset, cell, ...), so
/// that tests and stylesheets can find the marks.
public struct SVGDocument {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Text with the five XML special characters escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with two decimals (enough for a screen, short in the file).
    public static func n(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(format: "%.2f", r)
    }

    public mutating func raw(_ element: String) { body.append(element) }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, cssClass: String, title: String? = nil) {
        var s = "<rect class=\"\(cssClass)\" x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"\(fill)\""
        if let stroke { s += " stroke=\"\(stroke)\"" }
        if let title {
            s += "><title>\(Self.escape(title))</title></rect>"
        } else {
            s += "/>"
        }
        body.append(s)
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                              dash: String? = nil, cssClass: String) {
        var s = "<line class=\"\(cssClass)\" x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        body.append(s + "/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil,
                                  cssClass: String, dataName: String) {
        guard !points.isEmpty else { return }
        let coordinates = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        var s = "<polyline class=\"\(cssClass)\" data-name=\"\(Self.escape(dataName))\" points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\" stroke-linejoin=\"round\""
        if let dash { s += " stroke-dasharray=\"\(dash)\"" }
        body.append(s + "/>")
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, cssClass: String, dataName: String) {
        body.append("<circle class=\"\(cssClass)\" data-name=\"\(Self.escape(dataName))\" cx=\"\(Self.n(cx))\" cy=\"\(Self.n(cy))\" r=\"\(Self.n(r))\" fill=\"\(fill)\"/>")
    }

    public enum Anchor: String { case start, middle, end }

    public mutating func text(_ text: String, x: Double, y: Double, size: Double = 11, anchor: Anchor = .start,
                              color: String = "#222", weight: String? = nil, rotate: Bool = false, cssClass: String = "label") {
        var s = "<text class=\"\(cssClass)\" x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(color)\""
        if let weight { s += " font-weight=\"\(weight)\"" }
        if rotate { s += " transform=\"rotate(-90 \(Self.n(x)) \(Self.n(y)))\"" }
        body.append(s + ">\(Self.escape(text))</text>")
    }

    /// The document, with an XML declaration and a white background.
    public func render(title: String) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<title>\(Self.escape(title))</title>\n"
        out += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" fill=\"white\"/>\n"
        for element in body { out += element + "\n" }
        return out + "</svg>\n"
    }
}

/// Axis ticks at round numbers (1, 2, 5 x 10^k).
enum Ticks {
    static func nice(_ lower: Double, _ upper: Double, count: Int = 5) -> [Double] {
        guard upper > lower, lower.isFinite, upper.isFinite else { return [lower] }
        let raw = (upper - lower) / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks = [Double]()
        var t = (lower / step).rounded(.up) * step
        while t <= upper + step * 1e-9 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return ticks
    }

    /// Powers of ten within a range (for a log axis).
    static func decades(_ lower: Double, _ upper: Double) -> [Double] {
        guard lower > 0, upper > lower else { return [] }
        return (Int(floor(log10(lower)))...Int(ceil(log10(upper)))).map { pow(10, Double($0)) }
            .filter { $0 >= lower * (1 - 1e-9) && $0 <= upper * (1 + 1e-9) }
    }

    static func label(_ x: Double) -> String {
        if x == 0 { return "0" }
        if abs(x) >= 1e5 || abs(x) < 1e-3 { return String(format: "%.0e", x) }
        if x == x.rounded() { return String(Int(x)) }
        return String(format: "%g", (x * 1e6).rounded() / 1e6)
    }
}
