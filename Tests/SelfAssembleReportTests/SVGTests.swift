import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SelfAssembleReport
import SelfAssembleStore
import XCTest

/// The figures are well-formed SVG (parsed as XML) and hold the marks they promise.
final class SVGTests: XCTestCase {
    private func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws -> XMLElement {
        XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""), file: file, line: line)
        let document = try XMLDocument(xmlString: svg, options: [])
        let root = try XCTUnwrap(document.rootElement(), file: file, line: line)
        XCTAssertEqual(root.localName, "svg", file: file, line: line)
        return root
    }

    /// An attribute's value. (FoundationXML on Linux does not find attributes by name in a
    /// document with a default namespace, so they are looked up in the list.)
    private func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name }?.stringValue
    }

    /// Every element below `root` whose class is `cssClass`.
    private func elements(_ root: XMLElement, class cssClass: String) -> [XMLElement] {
        var found = [XMLElement]()
        func visit(_ element: XMLElement) {
            if attribute(element, "class") == cssClass { found.append(element) }
            for child in element.children ?? [] { if let child = child as? XMLElement { visit(child) } }
        }
        visit(root)
        return found
    }

    func testLineChartMarks() throws {
        var chart = LineChart(title: "a <title> & \"quotes\"", xLabel: "step", yLabel: "cosine", series: [
            .init(name: "reciprocity", color: "#1f77b4", points: [(0, 0.1), (10, 0.5), (20, nil), (30, 0.9), (40, 0.95)]),
            .init(name: "alone", color: "#ff7f0e", points: [(0, nil), (10, 0.3), (20, nil)], dashed: true),
        ])
        chart.markers = [.init(x: 20, label: "end of development", color: "#000", cssClass: "boundary", dash: "5,4"),
                         .init(x: 30, label: "onset", color: "#9467bd", cssClass: "onset")]
        chart.references = [.init(y: 0.9, label: "threshold 0.9", color: "#1f77b4"), .init(y: 2, label: "off the chart", color: "#000")]
        chart.yRange = (-1, 1)
        let root = try parse(chart.render())
        // The gap at x = 20 splits the first series in two; a lone defined point becomes a dot.
        XCTAssertEqual(elements(root, class: "series").count, 2)
        XCTAssertEqual(elements(root, class: "series-point").count, 1)
        XCTAssertEqual(elements(root, class: "boundary").count, 1)
        XCTAssertEqual(elements(root, class: "onset").count, 1)
        XCTAssertEqual(elements(root, class: "threshold").count, 1, "a reference outside the y range is not drawn")
        XCTAssertEqual(elements(root, class: "title").first?.stringValue, "a <title> & \"quotes\"", "text is escaped")
        // The boundary sits halfway along the x axis (0 ... 40).
        let boundary = try XCTUnwrap(elements(root, class: "boundary").first)
        let frame = try XCTUnwrap(elements(root, class: "frame").first)
        let x0 = Double(attribute(frame, "x")!)!, width = Double(attribute(frame, "width")!)!
        XCTAssertEqual(Double(attribute(boundary, "x1")!)!, x0 + width / 2, accuracy: 0.01)
    }

    func testHeatmapCoversEveryCellOnce() throws {
        let side = 7
        let values = (0..<(side * side)).map { Float(($0 % 5) - 2) / 2 }   // -1 ... 1
        let figure = HeatmapFigure(title: "h", rows: [[.init(title: "a", side: side, values: values, caption: "c"),
                                                      .init(title: "b", side: side, values: values.reversed(), caption: "c")]],
                                   colorbarLabel: "cosine")
        let root = try parse(figure.render())
        XCTAssertEqual(elements(root, class: "heatmap").count, 2)
        XCTAssertEqual(elements(root, class: "colorbar").count, 33)
        let paths = elements(root, class: "heatmap-cells")
        XCTAssertEqual(Set(paths.compactMap { attribute($0, "fill") }).count, 5, "five distinct values, five colours")
        // Sum of the run lengths "h<run>v1" of one panel = side x side cells.
        let firstPanel = try XCTUnwrap(elements(root, class: "heatmap").first)
        let cells = (firstPanel.children ?? []).compactMap { (($0 as? XMLElement)).flatMap { attribute($0, "d") } }
            .flatMap { d in d.split(separator: "z").map { Int($0.split(separator: "h")[1].split(separator: "v")[0])! } }
            .reduce(0, +)
        XCTAssertEqual(cells, side * side)
    }

    func testReportFiguresOfARun() throws {
        let report = try MotifReport.make(from: try RunReader(path: try SharedRuns.small()), options: quickOptions())
        let figures = ReportFigures.make(report)
        let names = figures.map(\.fileName)
        XCTAssertEqual(names.filter { $0.hasPrefix("trajectories-level-") }.count, 3)
        XCTAssertEqual(names.filter { $0.hasPrefix("gram-level-") }.count, 3)
        XCTAssertEqual(names.filter { $0.hasPrefix("spectra-level-") }.count, 3)
        for figure in figures {
            let root = try parse(figure.svg)
            XCTAssertFalse(elements(root, class: "title").isEmpty, figure.fileName)
        }
        for l in 1...3 {
            let root = try parse(figures.first { $0.fileName == "trajectories-level-\(l).svg" }!.svg)
            XCTAssertEqual(elements(root, class: "boundary").count, 1, "the development/learning boundary, level \(l)")
            XCTAssertEqual(elements(root, class: "stage-boundary").count, 1, "the end of the reciprocal stage, level \(l)")
            let x = { (e: XMLElement) in Double(self.attribute(e, "x1")!)! }
            XCTAssertLessThan(x(elements(root, class: "stage-boundary")[0]), x(elements(root, class: "boundary")[0]))
            XCTAssertEqual(elements(root, class: "threshold").count, l == 1 ? 2 : 3, "thresholds, level \(l)")
            let names = Set(elements(root, class: "series").compactMap { attribute($0, "data-name") })
            XCTAssertTrue(names.isSuperset(of: l == 1 ? ["reciprocity", "alignment_H"] : ["reciprocity", "descending", "alignment_H"]), "\(names)")
            XCTAssertEqual(elements(root, class: "onset").count, report.levels[l - 1].assembly.onsetStep == nil ? 0 : 1)

            let gram = try parse(figures.first { $0.fileName == "gram-level-\(l).svg" }!.svg)
            XCTAssertEqual(elements(gram, class: "heatmap").count, 4, "Vbar and W at the first and last snapshot")
            let spectra = try parse(figures.first { $0.fileName == "spectra-level-\(l).svg" }!.svg)
            XCTAssertEqual(elements(spectra, class: "series").count, 4, "W and Vbar at the first and last snapshot")
        }
    }

    func testDigitsFiguresMarkTheOnsetsAndBothStages() throws {
        let report = try MotifReport.make(from: try RunReader(path: try SharedRuns.digits()), options: quickOptions(samples: 2))
        let figures = ReportFigures.make(report)
        for level in report.levels {
            let figure = figures.first { $0.fileName == "trajectories-level-\(level.level).svg" }!
            let root = try parse(figure.svg)
            let onset = try XCTUnwrap(elements(root, class: "onset").first, "onset of level \(level.level)")
            let reciprocal = try XCTUnwrap(elements(root, class: "stage-boundary").first, "the end of the reciprocal stage")
            let boundary = try XCTUnwrap(elements(root, class: "boundary").first)
            let x = { (e: XMLElement) in Double(self.attribute(e, "x1")!)! }
            XCTAssertGreaterThan(x(onset), x(reciprocal), "level \(level.level) assembles after the reciprocal stage")
            XCTAssertLessThanOrEqual(x(onset), x(boundary), "level \(level.level) assembles during the descending stage, before learning")
            XCTAssertTrue(figure.caption.contains("dashed grey: end of reciprocal stage; dashed black: end of development"), figure.caption)
            XCTAssertTrue(figure.svg.contains("end of reciprocal stage, step 3000") && figure.svg.contains("end of development, step 5000"))
        }
        let accuracy = try parse(figures.first { $0.fileName == "accuracy.svg" }!.svg)
        XCTAssertEqual(elements(accuracy, class: "onset").count, 3)
    }
}
