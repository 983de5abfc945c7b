@testable import SelfAssembleExport
import SelfAssemble
import XCTest

/// The pieces of an export that need no run file: snapshot selection, node ids, the SONATA index.
final class ExportUnitTests: XCTestCase {
    func testSnapshotSelectionFindsStoredStepsAndNamesTheNearestOtherwise() throws {
        let steps = [0, 5, 10, 20, 32]
        XCTAssertEqual(try SnapshotSelection.step(10).resolve(steps: steps, file: "run.h5"), 2)
        XCTAssertEqual(try SnapshotSelection.last.resolve(steps: steps, file: "run.h5"), 4)
        XCTAssertEqual(try SnapshotSelection.index(1).resolve(steps: steps, file: "run.h5"), 1)
        assertOneLineError(["run.h5", "no snapshot at step 12", "nearest stored steps are 10 and 20", "--step last"]) {
            _ = try SnapshotSelection.step(12).resolve(steps: steps, file: "run.h5")
        }
        assertOneLineError(["no snapshot at step 40", "nearest stored step is 32"]) {
            _ = try SnapshotSelection.step(40).resolve(steps: steps, file: "run.h5")
        }
        assertOneLineError(["no snapshot at step -1", "nearest stored step is 0"]) {
            _ = try SnapshotSelection.step(-1).resolve(steps: steps, file: "run.h5")
        }
        assertOneLineError(["5 snapshots", "no snapshot index 5", "0...4"]) {
            _ = try SnapshotSelection.index(5).resolve(steps: steps, file: "run.h5")
        }
        assertOneLineError(["holds no snapshot yet"]) { _ = try SnapshotSelection.last.resolve(steps: [], file: "run.h5") }
        XCTAssertEqual(try SnapshotSelection(stepArgument: "last"), .last)
        XCTAssertEqual(try SnapshotSelection(stepArgument: "40"), .step(40))
        assertOneLineError(["--step", "'ten'"]) { _ = try SnapshotSelection(stepArgument: "ten") }
    }

    /// Populations are laid end to end per stream: U_0 ... U_L, then D_1 ... D_L.
    func testNodeIDsLayGroupsEndToEndPerStream() throws {
        let architecture = try Architecture(sizes: [8, 6, 5, 3], ratios: [2])
        let ids = NodeIDs(architecture: architecture)
        XCTAssertEqual(ids.count(.upstream), 8 + 6 + 5 + 3)
        XCTAssertEqual(ids.count(.downstream), 12 + 10 + 6)
        XCTAssertEqual(ids.nodeID(architecture.upstream(0), cell: 7), 7)
        XCTAssertEqual(ids.nodeID(architecture.upstream(2), cell: 0), 14)
        XCTAssertEqual(ids.nodeID(architecture.upstream(3), cell: 2), 21)
        XCTAssertEqual(ids.nodeID(architecture.downstream(1), cell: 0), 0)
        XCTAssertEqual(ids.nodeID(architecture.downstream(3), cell: 5), 27)
        XCTAssertEqual(ids.groups(.downstream).map(\.name), ["D_1", "D_2", "D_3"])
    }

    /// node_id_to_ranges: one row per node into range_to_edge_id; runs of consecutive edges of
    /// the same node become one range; nodes without edges get an empty row.
    func testSONATAIndexGroupsRunsOfEdgesPerNode() {
        let index = SONATAIndex(nodeIDs: [2, 2, 0, 2, 1], nodeCount: 4)
        XCTAssertTrue(index.rangeToEdges.elementsEqual([(2, 3), (4, 5), (0, 2), (3, 4)], by: ==), "\(index.rangeToEdges)")
        XCTAssertTrue(index.nodeToRanges.elementsEqual([(0, 1), (1, 2), (2, 4), (4, 4)], by: ==), "\(index.nodeToRanges)")

        let empty = SONATAIndex(nodeIDs: [], nodeCount: 3)
        XCTAssertTrue(empty.rangeToEdges.isEmpty)
        XCTAssertTrue(empty.nodeToRanges.elementsEqual([(0, 0), (0, 0), (0, 0)], by: ==))
    }
}
