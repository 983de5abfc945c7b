import XCTest
import SelfAssemble
@testable import SelfAssembleData

/// The CSV parser on small texts: values, scaling, and every kind of bad line.
final class CSVReaderTests: XCTestCase {
    func testParsesLabelsAndKeepsFeaturesAsWritten() throws {
        let table = try CSVReader.parse(text: "label,a,b\n0,0,16\n2,8,4\n1,-8,2.5\n", source: "s.csv")
        XCTAssertEqual(table.columnNames, ["label", "a", "b"])
        XCTAssertEqual(table.data.labels, [0, 2, 1])
        XCTAssertEqual(table.data.classes, 3)
        XCTAssertEqual(table.data.inputs, Matrix(rows: 3, cols: 2, values: [0, 16, 8, 4, -8, 2.5]),
                       "scaling is the loader's normalization, fitted on the training split only")
    }

    func testToleratesCRLFBlankLinesSpacesQuotesAndIntegralFloatLabels() throws {
        let text = "\u{FEFF}\"label\", \"x\"\r\n\r\n 3.0 , \"2\"\r\n1,1e0\r\n\r\n"
        let table = try CSVReader.parse(text: text, source: "w.csv")
        XCTAssertEqual(table.columnNames, ["label", "x"])
        XCTAssertEqual(table.data.labels, [3, 1])
        XCTAssertEqual(table.data.inputs.values, [2, 1])
    }

    func testEmptyFile() {
        assertDataError(try CSVReader.parse(text: "\n\n", source: "/t/empty.csv"), contains: ["/t/empty.csv", "empty"])
    }

    func testNoDataRows() {
        assertDataError(try CSVReader.parse(text: "label,p0,p1\n", source: "/t/h.csv"), contains: ["/t/h.csv", "no data rows"])
    }

    func testMissingHeader() {
        assertDataError(try CSVReader.parse(text: "0,1,2\n1,2,3\n", source: "/t/nh.csv"), contains: ["/t/nh.csv", "not a header"])
    }

    func testHeaderWithoutFeatureColumns() {
        assertDataError(try CSVReader.parse(text: "label\n1\n", source: "/t/one.csv"), contains: ["/t/one.csv", "1 column", "at least one feature"])
    }

    func testRowWithDifferentColumnCountNamesTheLine() {
        let text = "label,a,b\n0,1,2\n1,2,3\n1,2\n"
        assertDataError(try CSVReader.parse(text: text, source: "/t/cols.csv"),
                        contains: ["/t/cols.csv", "line 4 has 2 columns", "header has 3"])
    }

    func testNonNumericValueNamesLineAndColumn() {
        let text = "label,a,b\n0,1,2\n\n1,2,abc\n"
        assertDataError(try CSVReader.parse(text: text, source: "/t/text.csv"),
                        contains: ["/t/text.csv", "line 4, column 3 (b)", "'abc' is not a number"])
        assertDataError(try CSVReader.parse(text: "label,a\n0,\n", source: "/t/blank.csv"),
                        contains: ["/t/blank.csv", "line 2, column 2 (a)", "an empty value is not a number"])
        assertDataError(try CSVReader.parse(text: "label,a\ncat,1\n", source: "/t/cat.csv"),
                        contains: ["/t/cat.csv", "line 2, column 1 (label)", "'cat' is not a number"])
    }

    /// Found by fuzzing: a lone carriage return inside a line (an old Mac line end) or other
    /// control bytes in a bad value went into the message as they were, so the "one line"
    /// could be several on a terminal, and a long garbage field made it endless.
    func testBadValuesAreShownOnOneShortLine() {
        assertDataError(try CSVReader.parse(text: "label,a,b\n0,1\r2,3\n", source: "/t/cr.csv"),
                        contains: ["/t/cr.csv", "line 2, column 2 (a)", "'1\\r2' is not a number"])
        assertDataError(try CSVReader.parse(text: "label,a\u{1B}[2J\n0,x\n", source: "/t/esc.csv"),
                        contains: ["column 2 (a\\u{1B}[2J)", "'x' is not a number"])
        let long = String(repeating: "z", count: 100)
        assertDataError(try CSVReader.parse(text: "label,a\n0,\(long)\n", source: "/t/long.csv"),
                        contains: ["'\(String(repeating: "z", count: 40))...' is not a number"])
        assertDataError(try CSVReader.parse(text: "label,a\n1\u{0B}5,1\n", source: "/t/vt.csv"),
                        contains: ["'1\\u{0B}5' is not a number"])
    }

    func testNegativeLabel() {
        assertDataError(try CSVReader.parse(text: "label,a\n0,1\n-1,2\n", source: "/t/neg.csv"),
                        contains: ["/t/neg.csv", "line 3", "label -1 is negative"])
    }

    func testNonIntegerLabel() {
        assertDataError(try CSVReader.parse(text: "label,a\n2.5,1\n", source: "/t/frac.csv"),
                        contains: ["/t/frac.csv", "line 2", "label '2.5' is not an integer"])
        assertDataError(try CSVReader.parse(text: "label,a\nnan,1\n", source: "/t/nanlabel.csv"),
                        contains: ["/t/nanlabel.csv", "line 2", "label 'nan' is not an integer"])
    }

    func testHugeLabelIsReportedNotTrapped() {
        assertDataError(try CSVReader.parse(text: "label,a\n1e300,1\n", source: "/t/big.csv"),
                        contains: ["/t/big.csv", "line 2", "too large"])
    }

    func testNaNFeature() {
        assertDataError(try CSVReader.parse(text: "label,a,b\n0,1,2\n1,NaN,2\n", source: "/t/nan.csv"),
                        contains: ["/t/nan.csv", "line 3, column 2 (a)", "'NaN' is not a finite number"])
    }

    func testInfiniteFeature() {
        assertDataError(try CSVReader.parse(text: "label,a,b\n0,1,-inf\n", source: "/t/inf.csv"),
                        contains: ["/t/inf.csv", "line 2, column 3 (b)", "'-inf' is not a finite number"])
        assertDataError(try CSVReader.parse(text: "label,a\n0,1e60\n", source: "/t/float.csv"),
                        contains: ["/t/float.csv", "line 2, column 2 (a)", "beyond Float range"])
    }

    func testIDXBytesAreNotTakenForCSV() {
        let bytes = TestSupport.idx(dimensions: [1], values: [3])
        assertDataError(try CSVReader.parse(bytes, source: "/t/labels.idx"), contains: ["/t/labels.idx", "IDX file, not CSV"])
    }
}
