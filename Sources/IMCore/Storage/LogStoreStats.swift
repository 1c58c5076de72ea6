/// Figures of a `LogStore` for `/summary` and `/metrics`.
package struct LogStoreStats: Sendable, Equatable, Codable {
    /// Message bodies in the log (each stored once, whatever its fan-out).
    package var messages: UInt64 = 0
    /// Queue entries (one per message per queue).
    package var entries: UInt64 = 0
    package var queues: Int = 0
    /// Bytes in segment files.
    package var bytes: UInt64 = 0
    package var segments: Int = 0
    /// The newest id handed out and durable.
    package var lastID: UInt64 = 0
    /// Appends completed (durable) since open.
    package var appends: UInt64 = 0
    /// Appends that failed after they were accepted (I/O errors).
    package var failedAppends: UInt64 = 0
    package var fsyncs: UInt64 = 0
    package var lastFsyncMicroseconds: Double = 0
    package var averageFsyncMicroseconds: Double = 0
    /// Bytes of a torn tail truncated at open.
    package var recoveredBytes: UInt64 = 0
    /// Bytes of corrupt records skipped in the middle of the log at open, and how many regions.
    package var corruptBytes: UInt64 = 0
    package var corruptRecords: UInt64 = 0
    /// Entries whose record failed its checksum when read back.
    package var unreadableEntries: UInt64 = 0
    package var snapshots: UInt64 = 0
    package var lastSnapshotBytes: UInt64 = 0
    package var lastSnapshotMilliseconds: Double = 0
    /// Records replayed from the log at open (those after the snapshot).
    package var replayedRecords: UInt64 = 0
    package var openMilliseconds: Double = 0
    package var fsyncPolicy: String = IMServerConfiguration.FsyncPolicy.batch.rawValue
    /// What retention deleted since open: segments, their bytes and their message bodies.
    package var retentionSegmentsDeleted: UInt64 = 0
    package var retentionBytesDeleted: UInt64 = 0
    package var retentionMessagesDeleted: UInt64 = 0
}

extension LogStoreStats {
    /// The figures a recovery found (the rest start at zero).
    init(recovered: LogStore.Recovered) {
        self.init()
        messages = recovered.messageCount
        entries = recovered.queues.values.reduce(0) { $0 + UInt64($1.count) }
        queues = recovered.queues.count
        bytes = recovered.bytes
        segments = recovered.segments.count { $0 != nil }
        lastID = recovered.lastID
        recoveredBytes = recovered.truncatedBytes
        corruptBytes = recovered.corruptBytes
        corruptRecords = recovered.corruptRecords
        replayedRecords = recovered.replayedRecords
    }
}
