import Foundation
import NIOCore
import NIOPosix

/// A replica's side of `DirectoryCopies`: gathers the parts of a copy of the primary's directory and, once
/// the last part is here, swaps its rows into this server's directory (`SQLiteDirectory.replaceRows`).
struct DirectoryCopyReceiver {
    let directory: SQLiteDirectory
    private var parts = ByteBuffer()
    private var changes: Int64 = 0

    init(directory: SQLiteDirectory) {
        self.directory = directory
    }

    /// Takes one part; returns the copy's change count once the whole copy has been applied. Parts come in
    /// order, each copy from offset 0: anything else is a protocol error.
    mutating func receive(changes: Int64, total: UInt64, offset: UInt64, bytes: ByteBuffer) async throws -> Int64? {
        if offset == 0 {
            parts = ByteBuffer()
            parts.reserveCapacity(Int(clamping: total))
            self.changes = changes
        }
        guard changes == self.changes, offset == UInt64(parts.readableBytes) else {
            throw ReplicationProtocolError("a directory part at \(offset) of copy \(changes); expected \(parts.readableBytes) of \(self.changes)")
        }
        parts.writeImmutableBuffer(bytes)
        guard UInt64(parts.readableBytes) == total else { return nil }
        let copy = parts.withUnsafeReadableBytes { Data($0) }
        parts = ByteBuffer()
        let directory = self.directory
        let path = directory.path + ".from-primary"
        try await NIOThreadPool.singleton.runIfActive {
            // Not fsynced: the rows become durable when they are copied into the directory's own file.
            guard FileManager.default.createFile(atPath: path, contents: copy) else {
                throw DirectoryError(.io, "write the primary's directory copy to \(path)")
            }
            defer { try? FileManager.default.removeItem(atPath: path) }
            try directory.replaceRows(withCopyAt: path)
        }
        return changes
    }
}
