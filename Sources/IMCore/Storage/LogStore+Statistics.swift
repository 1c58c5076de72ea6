extension LogStore {
    /// The store's own figures now (`statistics` is what the server shows).
    package var stats: LogStoreStats {
        state.withLock { s in
            var stats = s.stats
            stats.queues = s.queues.count
            return stats
        }
    }

    /// The port's figures: the common ones, and the log's own (segments, snapshots, recovery) as details.
    package var statistics: MessageStoreStatistics {
        let stats = self.stats
        var statistics = MessageStoreStatistics(backend: "log")
        statistics.messages = stats.messages
        statistics.entries = stats.entries
        statistics.queues = stats.queues
        statistics.bytes = stats.bytes
        statistics.lastID = stats.lastID
        statistics.appends = stats.appends
        statistics.failedAppends = stats.failedAppends
        statistics.fsyncs = stats.fsyncs
        statistics.lastFsyncMicroseconds = stats.lastFsyncMicroseconds
        statistics.averageFsyncMicroseconds = stats.averageFsyncMicroseconds
        statistics.details = [
            "segments": .count(UInt64(stats.segments)), "recovered_bytes": .count(stats.recoveredBytes),
            "corrupt_bytes": .count(stats.corruptBytes), "corrupt_records": .count(stats.corruptRecords),
            "unreadable_entries": .count(stats.unreadableEntries), "snapshots": .count(stats.snapshots),
            "last_snapshot_bytes": .count(stats.lastSnapshotBytes),
            "last_snapshot_milliseconds": .value(stats.lastSnapshotMilliseconds),
            "replayed_records": .count(stats.replayedRecords), "open_milliseconds": .value(stats.openMilliseconds),
            "fsync_policy": .text(stats.fsyncPolicy),
            "oldest_key": .count((try? oldestKey()) ?? 0),
            "retention_seconds": .value(configuration.retention.map { $0.milliseconds / 1000 } ?? 0),
            "retention_bytes": .count(configuration.retentionBytes ?? 0),
            "retention_deleted_segments": .count(stats.retentionSegmentsDeleted),
            "retention_deleted_bytes": .count(stats.retentionBytesDeleted),
            "retention_deleted_messages": .count(stats.retentionMessagesDeleted),
        ]
        return statistics
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    var microseconds: Double { milliseconds * 1000 }
}
