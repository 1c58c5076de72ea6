import Logging

/// Settings of a `LogStore`. Every default lives here.
package struct LogStoreConfiguration: Sendable {
    /// The directory that holds segments, the index snapshot and the store's meta file. Created if missing.
    package var directory: String
    /// When an append counts as durable (`IMServerConfiguration.FsyncPolicy`). Default `.batch`.
    package var fsync: IMServerConfiguration.FsyncPolicy = .batch
    /// How often `.interval` fsyncs dirty data. Default 1 s (GoBelieve's).
    package var fsyncInterval: Duration = .seconds(1)
    /// The size at which a segment file is closed and the next one started. Default 64 MiB, at least 4 MiB.
    package var segmentSize: Int = 64 << 20
    /// Write an index snapshot after this many new log bytes. Default 256 MiB.
    package var snapshotEveryBytes: Int = 256 << 20
    /// Also write one after this long if anything was appended. Default 5 minutes.
    package var snapshotInterval: Duration = .seconds(300)
    /// The largest body accepted: the client protocol's frame body limit. Default 32 KiB - 1.
    package var maxBodySize: Int = 32767
    /// The most queues one append may go to (a normal group's members). Default 100,000.
    package var maxQueuesPerAppend: Int = 100_000
    /// Delete whole segments whose newest record is older than this (`retention`). Default nil: keep forever.
    package var retention: Duration?
    /// Delete the oldest whole segments while the segments take more than this (`retention_bytes`).
    /// Default nil: no limit. The segment being written is never deleted, so the floor is one segment.
    package var retentionBytes: UInt64?
    /// How often the store applies retention by itself (when either limit is set). Default 1 minute.
    package var retentionCheckInterval: Duration = .seconds(60)
    package var logger: Logger = Logger(label: "im.store")

    package init(directory: String) {
        self.directory = directory
    }

    func validate() throws {
        guard !directory.isEmpty else { throw StoreError(.invalidConfiguration, "directory is empty") }
        if let retention, retention <= .zero {
            throw StoreError(.invalidConfiguration, "retention \(retention) must be positive (nil keeps forever)")
        }
        if retentionBytes == 0 {
            throw StoreError(.invalidConfiguration, "retentionBytes must be positive (nil keeps everything)")
        }
        guard segmentSize >= 4 << 20, segmentSize <= Int(UInt32.max) else {
            throw StoreError(.invalidConfiguration, "segmentSize \(segmentSize) is outside 4 MiB...4 GiB")
        }
        guard maxBodySize > 0, maxQueuesPerAppend > 0,
            LogRecord.size(queueCount: maxQueuesPerAppend, bodyLength: maxBodySize) + LogSegment.headerSize
                <= segmentSize
        else {
            throw StoreError(
                .invalidConfiguration,
                "maxBodySize \(maxBodySize) and maxQueuesPerAppend \(maxQueuesPerAppend) do not fit a segment"
            )
        }
    }
}
