import CHDF5
import Foundation
import SelfAssemble
import SelfAssembleStore
import XCTest

/// /data: the normalization that made the circuit's inputs and the classes present, written
/// with the file, read back, shown by inspect, checked by validate; files written before it
/// existed still read and validate.
final class DataRecordTests: XCTestCase {
    func testTheNormalizationAndTheClassesAreStoredReadAndShown() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.h5")
        let run = try TinyRun.write(to: path, compare: false, normalization: .zscore)
        let stored = try XCTUnwrap(try RunReader(path: path).dataRecord())
        XCTAssertEqual(stored.normalization, TinyRun.data(normalization: .zscore).normalization)
        XCTAssertEqual(stored.normalization.method, .zscore)
        XCTAssertEqual(stored.normalization, try XCTUnwrap(run.metadata.normalization))
        XCTAssertEqual(stored.classesPresent, [0, 1, 2])

        let inspection = try RunInspection(path: path)
        let inputs = try XCTUnwrap(inspection.inputs)
        XCTAssertEqual(inputs.normalization, "zscore")
        XCTAssertEqual(inputs.featureOffset, stored.normalization.offset)
        XCTAssertEqual(inputs.featureScale, stored.normalization.scale)
        XCTAssertEqual(inputs.classesPresent, [0, 1, 2])
        let text = inspection.text()
        XCTAssertTrue(text.contains("inputs         zscore: input = (raw - offset) / scale per feature (8 features, training-split statistics); offset ["), text)
        XCTAssertTrue(text.contains(", ...] (8 values), scale ["), text)
        XCTAssertTrue(text.contains("classes        0 to 2 (3 with training samples)"), text)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inspection.json().utf8)) as? [String: Any])
        let jsonInputs = try XCTUnwrap(json["inputs"] as? [String: Any])
        XCTAssertEqual(jsonInputs["normalization"] as? String, "zscore")
        XCTAssertEqual(jsonInputs["classesPresent"] as? [Int], [0, 1, 2])
        XCTAssertEqual((jsonInputs["featureScale"] as? [Double])?.count, 8)
        XCTAssertEqual(try RunValidator.report(path: path).errors, [])
        XCTAssertEqual(try RunValidator.report(path: path).warnings, [])
    }

    func testAFileWithoutDataFromAnEarlierVersionStillReadsAndValidates() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("older.h5")
        try TinyRun.write(to: path, compare: false, normalization: .zscore)
        try ForeignFile.modify(path) { file in
            XCTAssertGreaterThanOrEqual(H5Ldelete(file, "data", sa_H5P_DEFAULT()), 0)
        }
        let reader = try RunReader(path: path)
        XCTAssertNil(try reader.dataRecord())
        let inspection = try RunInspection(path: path)
        XCTAssertNil(inspection.inputs)
        XCTAssertFalse(inspection.text().contains("inputs "))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(inspection.json().utf8)) as? [String: Any])
        XCTAssertTrue(json["inputs"] is NSNull, "the key is there, null")
        XCTAssertEqual(try RunValidator.report(path: path).errors, [])
    }

    func testTheValidatorNamesADamagedDataGroup() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("damaged.h5")
        try TinyRun.write(to: path, compare: false, normalization: .zscore)
        try ForeignFile.modify(path) { file in
            let group = H5Gopen2(file, "data", sa_H5P_DEFAULT())
            H5Adelete(group, "normalization")
            ForeignFile.setString(group, "normalization", "robust")
            H5Gclose(group)
            H5Ldelete(file, "data/feature_scale", sa_H5P_DEFAULT())
            ForeignFile.createDataset(file, "data/feature_scale", type: sa_H5T_IEEE_F32LE(), shape: [7])
            ForeignFile.write(file, "data/classes_present", [Int32(0), 2, 1])
        }
        let errors = try RunValidator.report(path: path).errors.map(\.description)
        for (location, fragment) in [("/data", "attribute 'normalization' is 'robust'"),
                                     ("/data/feature_scale", "has shape [7], expected [8]"),
                                     ("/data/classes_present", "distinct and ascending")] {
            XCTAssertTrue(errors.contains { $0.hasPrefix(location + ": ") && $0.contains(fragment) }, "no '\(fragment)' at \(location) in \(errors)")
        }
        XCTAssertThrowsError(try RunReader(path: path).dataRecord()) { error in
            XCTAssertTrue("\(error)".contains("unknown normalization 'robust'"), "\(error)")
        }
    }
}
