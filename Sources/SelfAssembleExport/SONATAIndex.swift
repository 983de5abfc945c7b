/// The two-level index SONATA edge populations carry so that afferent and efferent queries
/// do not scan every edge (indices/source_to_target and indices/target_to_source).
///
/// `node_id_to_ranges` has one row [start, end) per node id 0 ..< nodeCount, pointing into
/// `range_to_edge_id`, whose rows [first, end) are runs of consecutive edge ids that share the
/// node. A node without edges gets an empty row [offset, offset]. Edges may be in any order;
/// the fewer runs the smaller the index (the exporter sorts edges by target, so the target
/// index has one run per node).
struct SONATAIndex: Equatable {
    var nodeToRanges: [(UInt64, UInt64)]
    var rangeToEdges: [(UInt64, UInt64)]

    /// Builds the index of `nodeIDs` (the source or target id of every edge, by edge id).
    init(nodeIDs: [Int], nodeCount: Int) {
        var runsByNode = [[(UInt64, UInt64)]](repeating: [], count: nodeCount)
        var start = 0
        while start < nodeIDs.count {
            var end = start + 1
            while end < nodeIDs.count && nodeIDs[end] == nodeIDs[start] { end += 1 }
            runsByNode[nodeIDs[start]].append((UInt64(start), UInt64(end)))
            start = end
        }
        nodeToRanges = []
        nodeToRanges.reserveCapacity(nodeCount)
        rangeToEdges = []
        for runs in runsByNode {
            let first = UInt64(rangeToEdges.count)
            rangeToEdges += runs
            nodeToRanges.append((first, UInt64(rangeToEdges.count)))
        }
    }

    static func == (a: SONATAIndex, b: SONATAIndex) -> Bool {
        a.nodeToRanges.elementsEqual(b.nodeToRanges, by: ==) && a.rangeToEdges.elementsEqual(b.rangeToEdges, by: ==)
    }
}
