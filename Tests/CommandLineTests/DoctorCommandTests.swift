import Foundation
import SelfAssemble
import XCTest

/// `selfassemble doctor` reports the kernel the engine runs on, and `simulate --threads N`
/// reaches OpenBLAS (the run file records the kernel and thread count that computed it).
final class DoctorCommandTests: XCTestCase {
    func testDoctorReportsTheKernelThreadsThroughputAndCheckedProducts() throws {
        let kernel = BLASKernel.current(environment: ProcessInfo.processInfo.environment)
        let result = try CommandRunner.run(["doctor", "--threads", "2", "--size", "256", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(CommandRunner.jsonLines(result).first)
        XCTAssertEqual(object["openblas_version"] as? String, kernel.version)
        XCTAssertEqual(object["core_type"] as? String, kernel.coreName)
        XCTAssertEqual(object["core_type_forced"] as? Bool, kernel.isCoreForced)
        XCTAssertEqual(object["threads"] as? Int, 2)
        XCTAssertEqual(object["sgemm_size"] as? Int, 256)
        XCTAssertGreaterThan(object["sgemm_gflops"] as? Double ?? 0, 0)
        XCTAssertEqual(object["products_checked"] as? Int, ProductCheck.engineCases.count)
        XCTAssertEqual(object["product_failures"] as? [String], [])
        if FileManager.default.fileExists(atPath: "/proc/cpuinfo") {
            let advice = try XCTUnwrap(object["advice"] as? String)
            let wider = try XCTUnwrap(object["wider_kernel_exists"] as? Bool)
            XCTAssertEqual(advice.hasPrefix("a kernel with wider vector instructions exists"), wider, advice)
            // The verdict follows the measurements it prints, not the vector width.
            let alternatives = try XCTUnwrap(object["alternatives"] as? [[String: Any]])
            let measured = alternatives.compactMap { $0["sgemm_gflops"] as? Double }
            let own = try XCTUnwrap(object["sgemm_gflops"] as? Double)
            if let faster = object["measured_faster_core_type"] as? String {
                XCTAssertTrue(measured.contains { $0 > 1.1 * own }, "\(faster) was named faster: \(alternatives) against \(own)")
                XCTAssertTrue((object["verdict"] as? String)?.contains("OPENBLAS_CORETYPE=\(faster) measured faster here") == true)
            } else if !alternatives.isEmpty {
                XCTAssertFalse(measured.contains { $0 > 1.1 * own }, "\(alternatives) against \(own)")
                XCTAssertTrue((object["verdict"] as? String)?.hasPrefix("no other kernel measured more than 10% faster") == true)
            }
        }

        let text = try CommandRunner.run(["doctor", "--size", "128"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("core type       \(kernel.coreName) ("), text.stdout)
        XCTAssertTrue(text.stdout.contains("threads         1 of "), text.stdout)
        XCTAssertTrue(text.stdout.contains(" GFLOP/s at 128 x 128 x 128, 1 thread"), text.stdout)
        XCTAssertTrue(text.stdout.contains("match a double-precision reference within rounding"), text.stdout)
    }

    func testDoctorRejectsABadThreadCount() throws {
        let result = try CommandRunner.run(["doctor", "--threads", "0"])
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("--threads must be a positive integer"), result.stderr)
    }

    /// Two threads, twice: bit-identical weights, and the file names the two threads.
    func testSimulateThreadsReachOpenBLASAndRepeatBitIdentically() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = ["a.h5", "b.h5"].map { dir.appendingPathComponent($0).path }
        for file in files {
            let result = try CommandRunner.run([
                "simulate", "--seed", "3", "--sizes", "96,256,256,10", "--batch", "64", "--development-steps", "6", "--descending-steps", "6",
                "--epochs", "1", "--snapshot-every", "20", "--threads", "2", "--quiet", "--out", file,
            ])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let check = try PythonRunner.run("""
            import sys, h5py, numpy as np
            a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
            print(a.attrs["blas"])
            for group in ("projections", "biases", "metrics"):
                for name in a[group]:
                    x, y = a[group][name][()], b[group][name][()]
                    assert x.shape == y.shape and np.array_equal(x, y, equal_nan=True), group + "/" + name
            """, arguments: files)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains(", 2 threads"), check.stdout)
    }
}
