import Foundation

/// A line chart with vertical markers (the development/learning boundary, onsets) and
/// horizontal reference lines (thresholds), drawn as SVG. Used for the metric trajectories
/// (x: step) and, with a logarithmic y axis, for singular-value spectra (x: index).
public struct LineChart {
    public struct Series {
        public var name: String
        public var color: String
        /// y = nil leaves a gap (a metric that is not defined there).
        public var points: [(x: Double, y: Double?)]
        public var dashed = false
        /// Half-lengths of error bars, one per point (nil: none); empty: no bars.
        public var errors: [Double?] = []

        public init(name: String, color: String, points: [(x: Double, y: Double?)], dashed: Bool = false) {
            self.name = name
            self.color = color
            self.points = points
            self.dashed = dashed
        }
    }

    /// A vertical line at x, e.g. class `boundary` or `onset`.
    public struct Marker {
        public var x: Double
        public var label: String
        public var color: String
        public var cssClass: String
        public var dash: String?

        public init(x: Double, label: String, color: String, cssClass: String, dash: String? = nil) {
            self.x = x
            self.label = label
            self.color = color
            self.cssClass = cssClass
            self.dash = dash
        }
    }

    /// A horizontal line at y, e.g. class `threshold`.
    public struct Reference {
        public var y: Double
        public var label: String
        public var color: String
        public var cssClass: String

        public init(y: Double, label: String, color: String, cssClass: String = "threshold") {
            self.y = y
            self.label = label
            self.color = color
            self.cssClass = cssClass
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var markers: [Marker] = []
    public var references: [Reference] = []
    /// Fixed y range; nil: from the data.
    public var yRange: (Double, Double)? = nil
    public var logY = false
    /// Names of the x positions 1, 2, ... for a categorical axis (ticks at those positions
    /// with these labels); nil: a numeric axis.
    public var xCategories: [String]? = nil
    public var width = 820.0
    public var height = 380.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    private let left = 64.0, right = 250.0, top = 40.0, bottom = 50.0

    public func render() -> String {
        var svg = SVGDocument(width: width, height: height)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let (x0, x1) = xRange()
        let (y0, y1) = yRangeResolved()
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotWidth }
        func py(_ y: Double) -> Double {
            let t = logY ? (log10(y) - log10(y0)) / (log10(y1) - log10(y0)) : (y - y0) / (y1 - y0)
            return top + (1 - t) * plotHeight
        }

        svg.text(title, x: left, y: 22, size: 14, weight: "bold", cssClass: "title")
        // Axes, grid and tick labels.
        svg.rect(x: left, y: top, width: plotWidth, height: plotHeight, fill: "none", stroke: "#999", cssClass: "frame")
        let xTicks = xCategories.map { names in names.indices.map { (Double($0 + 1), names[$0]) } }
            ?? Ticks.nice(x0, x1, count: 6).map { ($0, Ticks.label($0)) }
        for (t, label) in xTicks {
            svg.line(x1: px(t), y1: top + plotHeight, x2: px(t), y2: top + plotHeight + 4, stroke: "#999", cssClass: "tick")
            svg.text(label, x: px(t), y: top + plotHeight + 16, size: 10, anchor: .middle, cssClass: "tick-label")
        }
        let yTicks = logY ? Ticks.decades(y0, y1) : Ticks.nice(y0, y1, count: 5)
        for t in yTicks {
            svg.line(x1: left, y1: py(t), x2: left + plotWidth, y2: py(t), stroke: "#eee", cssClass: "grid")
            svg.text(Ticks.label(t), x: left - 6, y: py(t) + 3, size: 10, anchor: .end, cssClass: "tick-label")
        }
        svg.text(xLabel, x: left + plotWidth / 2, y: height - 12, size: 11, anchor: .middle, cssClass: "axis-label")
        svg.text(yLabel, x: 16, y: top + plotHeight / 2, size: 11, anchor: .middle, rotate: true, cssClass: "axis-label")

        var legend: [(label: String, color: String, dash: String?, cssClass: String)] = []
        for reference in references where reference.y >= y0 && reference.y <= y1 {
            svg.line(x1: left, y1: py(reference.y), x2: left + plotWidth, y2: py(reference.y), stroke: reference.color,
                     dash: "2,3", cssClass: reference.cssClass)
            legend.append((reference.label, reference.color, "2,3", reference.cssClass))
        }
        for marker in markers where marker.x >= x0 && marker.x <= x1 {
            svg.line(x1: px(marker.x), y1: top, x2: px(marker.x), y2: top + plotHeight, stroke: marker.color, width: 1.2,
                     dash: marker.dash, cssClass: marker.cssClass)
            legend.append((marker.label, marker.color, marker.dash, marker.cssClass))
        }
        for s in series {
            // Split at undefined values; a lone point becomes a dot.
            var segment = [(Double, Double)]()
            func flush() {
                if segment.count == 1 {
                    svg.circle(cx: segment[0].0, cy: segment[0].1, r: 2.5, fill: s.color, cssClass: "series-point", dataName: s.name)
                } else {
                    svg.polyline(segment, stroke: s.color, dash: s.dashed ? "6,3" : nil, cssClass: "series", dataName: s.name)
                }
                segment = []
            }
            for (x, y) in s.points {
                if let y, y.isFinite, !logY || y > 0 {
                    segment.append((px(x), py(min(max(y, y0), y1))))
                } else if !segment.isEmpty {
                    flush()
                }
            }
            if !segment.isEmpty { flush() }
            for (i, error) in s.errors.enumerated() where i < s.points.count {
                guard let error, error.isFinite, let y = s.points[i].y, y.isFinite, !logY else { continue }
                let x = px(s.points[i].x), low = py(max(y - error, y0)), high = py(min(y + error, y1))
                svg.line(x1: x, y1: low, x2: x, y2: high, stroke: s.color, cssClass: "error-bar")
                svg.line(x1: x - 3, y1: low, x2: x + 3, y2: low, stroke: s.color, cssClass: "error-bar")
                svg.line(x1: x - 3, y1: high, x2: x + 3, y2: high, stroke: s.color, cssClass: "error-bar")
            }
            legend.append((s.name, s.color, s.dashed ? "6,3" : nil, "legend-series"))
        }
        // Legend on the right.
        var y = top + 8
        for entry in legend {
            svg.line(x1: width - right + 12, y1: y, x2: width - right + 36, y2: y, stroke: entry.color, width: 2,
                     dash: entry.dash, cssClass: "legend-key")
            svg.text(entry.label, x: width - right + 42, y: y + 4, size: 10, cssClass: "legend")
            y += 16
        }
        return svg.render(title: title)
    }

    private func xRange() -> (Double, Double) {
        if let xCategories { return (0.5, Double(xCategories.count) + 0.5) }
        let xs = series.flatMap { $0.points.map(\.x) }
        guard let lo = xs.min(), let hi = xs.max() else { return (0, 1) }
        return hi > lo ? (lo, hi) : (lo - 1, hi + 1)
    }

    private func yRangeResolved() -> (Double, Double) {
        if let yRange { return yRange }
        var ys = series.flatMap { $0.points.compactMap(\.y) }.filter(\.isFinite)
        for s in series {
            for (i, error) in s.errors.enumerated() where i < s.points.count {
                if let error, error.isFinite, let y = s.points[i].y, y.isFinite { ys += [y - error, y + error] }
            }
        }
        if logY { ys = ys.filter { $0 > 0 } }
        ys += references.map(\.y)
        guard var lo = ys.min(), var hi = ys.max() else { return logY ? (0.1, 10) : (0, 1) }
        if logY {
            lo = pow(10, floor(log10(lo)))
            hi = pow(10, ceil(log10(hi)))
            return hi > lo ? (lo, hi) : (lo / 10, hi * 10)
        }
        if hi == lo { return (lo - 1, hi + 1) }
        let pad = (hi - lo) * 0.05
        lo -= pad
        hi += pad
        return (lo, hi)
    }
}
