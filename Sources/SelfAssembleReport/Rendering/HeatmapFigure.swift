import Foundation

/// Square heatmaps side by side (Figure 3 of the paper: Vbar Vbar^T and W W^T before and
/// after training), on a fixed diverging colour scale [-1, 1] with a colour bar.
///
/// To keep the files small, values are quantised to 33 colours and each colour is one
/// `<path>` of unit squares (runs along a row merged) inside a scaled group: about 15 bytes
/// per cell instead of 80 for one `<rect>` each. 33 levels (steps of 1/16) are finer than the
/// eye separates on a diverging scale.
public struct HeatmapFigure {
    public struct Panel {
        public var title: String
        /// side x side values, row-major.
        public var side: Int
        public var values: [Float]
        /// A line under the panel (e.g. the mean |cosine|).
        public var caption: String

        public init(title: String, side: Int, values: [Float], caption: String) {
            self.title = title
            self.side = side
            self.values = values
            self.caption = caption
        }
    }

    public var title: String
    /// Rows of panels, drawn top to bottom.
    public var rows: [[Panel]]
    public var colorbarLabel: String
    public var panelSize = 240.0

    public init(title: String, rows: [[Panel]], colorbarLabel: String) {
        self.title = title
        self.rows = rows
        self.colorbarLabel = colorbarLabel
    }

    static let levels = 33

    /// The colour of quantisation bin `b` (0: -1, 16: 0, 32: +1): white to blue below zero,
    /// white to red above.
    static func color(bin b: Int) -> String {
        let v = Double(b - levels / 2) / Double(levels / 2)
        let (r, g, bl): (Double, Double, Double) = v < 0 ? (33, 102, 172) : (178, 24, 43)
        let t = min(1, abs(v))
        func mix(_ c: Double) -> Int { Int((255 + (c - 255) * t).rounded()) }
        return String(format: "#%02x%02x%02x", mix(r), mix(g), mix(bl))
    }

    static func bin(_ value: Float) -> Int {
        guard value.isFinite else { return levels / 2 }
        let v = min(1, max(-1, Double(value)))
        return Int(((v + 1) / 2 * Double(levels - 1)).rounded())
    }

    public func render() -> String {
        let gap = 36.0, left = 20.0, top = 44.0, captionHeight = 34.0, colorbarWidth = 90.0
        let columns = rows.map(\.count).max() ?? 0
        let width = left + Double(columns) * (panelSize + gap) + colorbarWidth
        let height = top + Double(rows.count) * (panelSize + 20 + captionHeight) + 10
        var svg = SVGDocument(width: width, height: height)
        svg.text(title, x: left, y: 24, size: 14, weight: "bold", cssClass: "title")
        for (r, row) in rows.enumerated() {
            for (c, panel) in row.enumerated() {
                let x = left + Double(c) * (panelSize + gap)
                let y = top + Double(r) * (panelSize + 20 + captionHeight)
                svg.text(panel.title, x: x, y: y + 12, size: 11, weight: "bold", cssClass: "panel-title")
                draw(panel, x: x, y: y + 20, into: &svg)
                svg.text(panel.caption, x: x, y: y + 20 + panelSize + 16, size: 10, cssClass: "caption")
            }
        }
        // Colour bar.
        let barX = width - colorbarWidth + 10, barY = top + 20, barHeight = min(200, panelSize)
        for b in 0..<Self.levels {
            let h = barHeight / Double(Self.levels)
            svg.rect(x: barX, y: barY + Double(Self.levels - 1 - b) * h, width: 16, height: h + 0.3,
                     fill: Self.color(bin: b), cssClass: "colorbar")
        }
        svg.rect(x: barX, y: barY, width: 16, height: barHeight, fill: "none", stroke: "#999", cssClass: "colorbar-frame")
        for (label, t) in [("1", 0.0), ("0", 0.5), ("-1", 1.0)] {
            svg.text(label, x: barX + 20, y: barY + t * barHeight + 4, size: 10, cssClass: "colorbar-label")
        }
        svg.text(colorbarLabel, x: barX, y: barY + barHeight + 18, size: 10, cssClass: "colorbar-label")
        return svg.render(title: title)
    }

    private func draw(_ panel: Panel, x: Double, y: Double, into svg: inout SVGDocument) {
        let side = panel.side
        guard side > 0 else { return }
        var paths = [String](repeating: "", count: Self.levels)
        for i in 0..<side {
            var j = 0
            while j < side {
                let b = Self.bin(panel.values[i * side + j])
                var run = 1
                while j + run < side && Self.bin(panel.values[i * side + j + run]) == b { run += 1 }
                paths[b] += "M\(j) \(i)h\(run)v1h-\(run)z"
                j += run
            }
        }
        let scale = panelSize / Double(side)
        svg.raw("<g class=\"heatmap\" data-side=\"\(side)\" transform=\"translate(\(SVGDocument.n(x)) \(SVGDocument.n(y))) scale(\(String(format: "%.5f", scale)))\" shape-rendering=\"crispEdges\">")
        for (b, d) in paths.enumerated() where !d.isEmpty {
            svg.raw("<path class=\"heatmap-cells\" fill=\"\(Self.color(bin: b))\" d=\"\(d)\"/>")
        }
        svg.raw("</g>")
        svg.rect(x: x, y: y, width: panelSize, height: panelSize, fill: "none", stroke: "#999", cssClass: "frame")
    }
}
