import Foundation
import SelfAssembleStore
import XCTest

/// A run file has one writer at a time. A second `simulate` that would write the same file
/// while its run is going (`--resume` of it, a new run or a replacement over it) is refused with
/// one line, and the first run finishes with a valid file. Without the writer's lock the second
/// process wrote into the live file, corrupted it, and the first still reported success.
final class ConcurrentWriterTests: XCTestCase {
    func testASecondWriterOfALiveRunIsRefusedAndTheRunStaysValid() throws {
        let dir = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("live.h5").path
        let simulate = try CommandRunner.startWriting(path, ["--sizes", "32,64,64,10", "--development-steps", "3000",
                                                            "--descending-steps", "2000", "--epochs", "3"])
        defer { if simulate.isRunning { simulate.terminate() } }
        usleep(200_000)
        try XCTSkipUnless(simulate.isRunning, "the run finished before a second writer could try: nothing was tested")

        for arguments in [["--resume", path], ["--sizes", "8,6,3", "--out", path], ["--sizes", "8,6,3", "--out", path, "--overwrite"]] {
            let second = try CommandRunner.run(["simulate"] + arguments)
            guard simulate.isRunning else { break }
            XCTAssertNotEqual(second.status, 0, "\(arguments): \(second.stdout)")
            let lines = second.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, second.stderr)
            XCTAssertTrue(second.stderr.contains("is being written by another selfassemble process"), second.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".partial"), "the refused replacement left a partial run")
        simulate.waitUntilExit()
        XCTAssertEqual(simulate.terminationStatus, 0)
        XCTAssertEqual(RunValidator.validate(path: path).filter { $0.severity == .error }, [])
        XCTAssertTrue(try RunReader(path: path).isComplete)
    }
}
