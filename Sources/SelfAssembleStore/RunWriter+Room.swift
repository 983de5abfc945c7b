import CHDF5
import Foundation

/// Room on the disk for the next snapshot, reserved before it is written. HDF5 keeps no
/// journal: a write that fails half-way (a full disk, a quota, a file-size limit) leaves
/// metadata that points at data never written, and the file, which may hold a user's earlier
/// snapshots, is damaged. Reserving the bytes first (posix_fallocate past HDF5's end of file)
/// makes the file system say no before anything is written: the run stops between two
/// snapshots with a file that holds every snapshot before and can be continued once there is
/// room again. HDF5 then writes into the reserved bytes, which cannot fail for want of room.
extension RunWriter {
    /// HDF5's additions besides the data and the index nodes: heap blocks, object header
    /// continuations, aggregation blocks. Counted high on purpose.
    static let roomForMetadata = 16 << 10

    /// The bytes of one node of a chunk index (a version-1 B-tree of HDF5 1.8/1.10 files, with
    /// 2K = 64 entries): a header, 2K + 1 keys (chunk size, filter mask and rank + 1 offsets)
    /// and 2K child addresses. A series of matrices (rank 3) takes 3,136 bytes per node.
    static func chunkIndexNode(rank: Int) -> Int { 24 + 65 * (8 + 8 * (rank + 1)) + 64 * 8 }

    /// The bytes snapshot `index` may add to the file, counted from how HDF5 stores the layout:
    /// its values uncompressed (deflate can only add a fraction of a percent), a heap block for a text;
    /// the first snapshot creates each dataset's chunk index; a series chunked one snapshot per
    /// chunk may split its index (two new nodes when the root splits); a scalar series starts a
    /// new chunk every so many entries (a text series' chunk holds 16-byte references); and
    /// HDF5's metadata. Checked against what HDF5 adds by RunWriterRoomTests.
    func bytesNeeded(for entries: [LayoutValues?], index: Int) -> Int {
        var bytes = Self.roomForMetadata
        for ((declared, _), values) in zip(series, entries) {
            guard let values, case .perSnapshot(let trailing) = declared.shape else { continue }
            let node = Self.chunkIndexNode(rank: 1 + trailing.count)
            let isText: Bool
            if case .string = values { isText = true } else { isText = false }
            bytes += values.byteCount + (isText ? 4 << 10 : 0) + (index == 0 ? node : 0)
            switch declared.storage {
            case .oneSnapshotPerChunk(let compressible):
                // Deflate can make incompressible data a little larger (well under 0.4%).
                bytes += 2 * node + (compressible ? values.byteCount / 256 + 64 : 0)
            case .entriesPerChunk(let entries) where index % entries == 0:
                bytes += entries * (isText ? 16 : values.byteCount)
            case .entriesPerChunk, .contiguous:
                break
            }
        }
        return bytes
    }

    /// Reserves `bytes` past HDF5's end of the file (`what`: "writing snapshot 3 of run.h5");
    /// throws "no space left on device while writing snapshot 3 of run.h5" (or the file system's
    /// other reason: quota, file-size limit) when the file system cannot give them, before
    /// anything is written. File systems that cannot reserve are written to without it.
    func reserveRoom(_ bytes: Int, while what: String) throws {
        guard let file else { return }
        var end: haddr_t = 0
        var handle: UnsafeMutableRawPointer? = nil
        guard H5Fget_eoa(file.id, &end) >= 0, H5Fget_vfd_handle(file.id, sa_H5P_DEFAULT(), &handle) >= 0, let handle else {
            _ = HDF5Diagnostics.takeLatest()
            return
        }
        let result = posix_fallocate(handle.load(as: Int32.self), off_t(end), off_t(bytes))
        guard result != 0, result != EOPNOTSUPP, result != EINVAL else { return }
        let reason = String(cString: strerror(result))
        throw StoreError(reason.prefix(1).lowercased() + reason.dropFirst() + " while \(what) (it needs about \(Self.kilobytes(bytes)) more)")
    }

    /// Reserves the room of snapshot `index` (see ``bytesNeeded(for:index:)``).
    func reserveRoom(for entries: [LayoutValues?], index: Int) throws {
        try reserveRoom(bytesNeeded(for: entries, index: index), while: "writing snapshot \(index) of \(path)")
    }

    /// Cuts the file back to HDF5's end of file after it is closed: the room reserved for a
    /// snapshot that was not written (or not wholly used) is given back.
    static func releaseUnusedRoom(_ path: String) {
        HDF5Diagnostics.silence()
        var end: haddr_t = 0
        guard let file = try? HDF5Introspection.openReadOnly(path), H5Fget_eoa(file.id, &end) >= 0 else {
            _ = HDF5Diagnostics.takeLatest()
            return
        }
        file.close()
        if FileStamp(path).size > Int(end) { _ = truncate(path, off_t(end)) }
    }

    static func kilobytes(_ bytes: Int) -> String {
        bytes < 10 << 20 ? "\((bytes + 1023) >> 10) KB" : "\((bytes + (1 << 20) - 1) >> 20) MB"
    }
}
