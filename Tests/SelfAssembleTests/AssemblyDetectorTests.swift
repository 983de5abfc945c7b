import SelfAssemble
import XCTest

final class AssemblyDetectorTests: XCTestCase {
    private func metrics(level: Int, _ rec: Double, _ desc: Double?, _ al: Double) -> LevelMotifMetrics {
        LevelMotifMetrics(level: level, reciprocity: rec, descending: desc, alignmentH: al, alignmentBP: al,
                          spectrum: Spectrum(eigenvalues: [1]))
    }

    func testOnsetIsTheFirstOfKConsecutivePassingSnapshots() {
        var detector = AssemblyDetector(levels: 2, thresholds: AssemblyThresholds(consecutive: 3))
        let sequence: [(Int, Double, Double)] = [
            (0, 0.1, 0.1), (100, 0.95, 0.9), (200, 0.95, 0.9), (300, 0.5, 0.9),  // run broken
            (400, 0.95, 0.9), (500, 0.95, 0.85), (600, 0.97, 0.95), (700, 0.2, 0.1),
        ]
        var announced = [(Int, Int)]()
        for (step, rec, al) in sequence {
            let now = detector.observe(step: step, metrics: [metrics(level: 1, rec, nil, al), metrics(level: 2, rec, 0.4, al)])
            announced += now.map { ($0, step) }
        }
        XCTAssertEqual(detector.onsets[0], 400, "onset is the first snapshot of the passing run")
        XCTAssertNil(detector.onsets[1], "level 2's descending 0.4 stays below 0.5: no assembly")
        XCTAssertEqual(announced.map(\.0), [1])
        XCTAssertEqual(announced.map(\.1), [600], "announced once K snapshots have passed")
        XCTAssertEqual(detector.shortfall(level: 2), "reciprocity stayed short")
        XCTAssertNil(detector.shortfall(level: 1))
    }

    func testShortfallNamesARunThatIsTooShort() {
        var detector = AssemblyDetector(levels: 1, thresholds: AssemblyThresholds(consecutive: 3))
        detector.observe(step: 0, metrics: [metrics(level: 1, 0.1, nil, 0.1)])
        XCTAssertEqual(detector.shortfall(level: 1), "reciprocity stayed short")
        detector.observe(step: 10, metrics: [metrics(level: 1, 0.95, nil, 0.9)])
        detector.observe(step: 20, metrics: [metrics(level: 1, 0.95, nil, 0.9)])
        XCTAssertEqual(detector.shortfall(level: 1), "the thresholds held for only 2 of 3 consecutive snapshots")
        XCTAssertNil(detector.onsets[0])
    }

    func testThresholdsAreParameters() {
        let strict = AssemblyThresholds(reciprocity: 0.99, descending: 0.9, alignmentH: 0.95, consecutive: 1)
        XCTAssertFalse(strict.passes(metrics(level: 2, 0.98, 0.95, 0.99)))
        XCTAssertEqual(strict.shortfall(metrics(level: 2, 0.995, 0.8, 0.99)), "descending")
        XCTAssertTrue(strict.passes(metrics(level: 1, 0.995, nil, 0.96)))
    }
}
