#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What one retention pass removed, and what the store holds after it.
package struct RetentionReport: Sendable, Equatable {
    package var segmentsDeleted = 0
    package var bytesFreed: UInt64 = 0
    /// Message bodies (records) and queue entries that went with the segments.
    package var messagesRemoved: UInt64 = 0
    package var entriesRemoved: UInt64 = 0
    /// The oldest key still kept (0 when the log is empty): a sync from an older key starts there.
    package var oldestKey: UInt64 = 0
    /// Bytes in segment files after the pass.
    package var bytes: UInt64 = 0
}

extension LogStore {
    /// Deletes the oldest whole segments that retention no longer keeps: those whose newest record is
    /// older than `retention`, and, while the segments take more than `retentionBytes`, the oldest ones.
    ///
    /// Only a run of the oldest segments goes, never the one being written nor one a connected replica
    /// still needs (`replicationFloor`), so every queue loses a prefix
    /// of its entries and a sync from an older key starts at the oldest kept message. The index is cut
    /// first and written as a snapshot, then the files are deleted (a crash in between leaves files the
    /// next pass deletes). Readers that already hold a deleted segment finish reading it: its mapping
    /// lives until they let it go. Runs on the snapshot thread by itself every `retentionCheckInterval`
    /// and on `requestRetention()` (`imctl store compact`); with no limit set it deletes nothing.
    @discardableResult
    func applyRetention(now: timespec = LogStore.wallClock()) throws -> RetentionReport {
        try snapshotWriting.withLock { _ in
            let (segments, writing, bytes) = state.withLock { s in
                (s.segments.compactMap { $0 }, min(s.writePosition.segment, s.replicationFloor ?? .max), s.stats.bytes)
            }
            var doomed: [LogSegment] = []
            var report = RetentionReport()
            for segment in segments where segment.number < writing {
                let file = try segment.fileStatus()
                let overSize = bytes - min(report.bytesFreed, bytes) > (configuration.retentionBytes ?? .max)
                guard isExpired(file, now: now) || overSize else { break }
                doomed.append(segment)
                report.bytesFreed += UInt64(file.st_size)
                report.messagesRemoved += Self.recordCount(segment, size: Int(file.st_size))
            }
            guard let last = doomed.last else {
                report.oldestKey = try oldestKey()
                report.bytes = bytes
                return report
            }
            report.segmentsDeleted = doomed.count
            let cut = LogPosition(segment: last.number + 1, offset: 0)
            state.withLock { s in
                var entries: UInt64 = 0
                for key in s.queues.keys { entries += UInt64(s.queues[key]!.removeEntries(before: cut)) }
                s.forget(doomed)
                s.stats.entries -= min(entries, s.stats.entries)
                s.stats.messages -= min(report.messagesRemoved, s.stats.messages)
                s.stats.bytes -= min(report.bytesFreed, s.stats.bytes)
                s.stats.retentionSegmentsDeleted += UInt64(doomed.count)
                s.stats.retentionBytesDeleted += report.bytesFreed
                s.stats.retentionMessagesDeleted += report.messagesRemoved
                report.entriesRemoved = entries
                report.bytes = s.stats.bytes
            }
            _ = try writeSnapshotUnserialized()
            for segment in doomed { try segment.deleteFile() }
            try StoreDirectory.syncDirectory(configuration.directory)
            report.oldestKey = try oldestKey()
            logger.info(
                "retention deleted the oldest segments",
                metadata: [
                    "segments": "\(report.segmentsDeleted)", "bytes": "\(report.bytesFreed)",
                    "messages": "\(report.messagesRemoved)", "oldest_key": "\(report.oldestKey)",
                ]
            )
            return report
        }
    }

    /// The first id of the oldest segment's first record (0 for an empty log).
    func oldestKey() throws -> UInt64 {
        let segments = state.withLock { s in Array(s.segments.lazy.compactMap { $0 }.prefix(2)) }
        for segment in segments {
            let bytes = segment.bytes(count: try segment.fileSize())
            if let (view, _) = LogRecord.View.validated(in: bytes, at: LogSegment.headerSize) { return view.firstID }
        }
        return 0
    }

    /// Whether a segment whose file is `file` has its newest record (the file's last write) older than
    /// `retention`.
    private func isExpired(_ file: stat, now: timespec) -> Bool {
        guard let retention = configuration.retention else { return false }
        let age = Duration.seconds(now.tv_sec - file.st_mtim.tv_sec) + .nanoseconds(now.tv_nsec - file.st_mtim.tv_nsec)
        return age > retention
    }

    /// The valid records in a segment of `size` bytes (a corrupt region counts as none).
    private static func recordCount(_ segment: LogSegment, size: Int) -> UInt64 {
        let bytes = segment.bytes(count: size)
        var offset = LogSegment.headerSize
        var count: UInt64 = 0
        while let (_, size) = LogRecord.View.validated(in: bytes, at: offset) {
            count += 1
            offset += size
        }
        return count
    }

    static func wallClock() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return now
    }
}
