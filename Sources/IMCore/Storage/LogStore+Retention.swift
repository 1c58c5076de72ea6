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
    /// Only a run of the oldest segments goes, never the one being written, so every queue loses a prefix
    /// of its entries and a sync from an older key starts at the oldest kept message. The index is cut
    /// first and written as a snapshot, then the files are deleted (a crash in between leaves files the
    /// next pass deletes). Readers that already hold a deleted segment finish reading it: its mapping
    /// lives until they let it go. Runs on the snapshot thread by itself every `retentionCheckInterval`
    /// and on `requestRetention()` (`imctl store compact`); with no limit set it deletes nothing.
    @discardableResult
    func applyRetention(now: timespec = LogStore.wallClock()) throws -> RetentionReport {
        try snapshotWriting.withLock { _ in
            let (segments, writing, bytes) = state.withLock { s in
                (s.segments.compactMap { $0 }, s.writePosition.segment, s.stats.bytes)
            }
            var doomed: [LogSegment] = []
            var remaining = bytes
            for segment in segments where segment.number < writing {
                let size = UInt64(try segment.fileSize())
                guard try isExpired(segment, now: now) || remaining > (configuration.retentionBytes ?? .max) else { break }
                doomed.append(segment)
                remaining -= min(size, remaining)
            }
            var report = RetentionReport()
            guard let last = doomed.last else {
                report.oldestKey = try oldestKey()
                report.bytes = bytes
                return report
            }
            for segment in doomed {
                report.bytesFreed += UInt64(try segment.fileSize())
                report.messagesRemoved += try Self.recordCount(segment)
            }
            report.segmentsDeleted = doomed.count
            let cut = LogPosition(segment: last.number + 1, offset: 0)
            state.withLock { s in
                var entries: UInt64 = 0
                for key in s.queues.keys { entries += UInt64(s.queues[key]!.removeEntries(before: cut)) }
                for segment in doomed { s.segments[Int(segment.number) - 1] = nil }
                s.stats.entries -= min(entries, s.stats.entries)
                s.stats.messages -= min(report.messagesRemoved, s.stats.messages)
                s.stats.bytes -= min(report.bytesFreed, s.stats.bytes)
                s.stats.segments -= doomed.count
                s.stats.retentionSegmentsDeleted += UInt64(doomed.count)
                s.stats.retentionBytesDeleted += report.bytesFreed
                s.stats.retentionMessagesDeleted += report.messagesRemoved
                report.entriesRemoved = entries
                report.bytes = s.stats.bytes
            }
            try writeSnapshotUnserialized()
            for segment in doomed where unlink(segment.path) != 0 && errno != ENOENT {
                throw StoreError.io("unlink", path: segment.path, errno: errno)
            }
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

    /// Whether the segment's newest record (its file's last write) is older than `retention`.
    private func isExpired(_ segment: LogSegment, now: timespec) throws -> Bool {
        guard let retention else { return false }
        var info = stat()
        guard fstat(segment.fd, &info) == 0 else { throw StoreError.io("stat", path: segment.path, errno: errno) }
        let age = Duration.seconds(now.tv_sec - info.st_mtim.tv_sec)
            + .nanoseconds(now.tv_nsec - info.st_mtim.tv_nsec)
        return age > retention
    }

    private var retention: Duration? { configuration.retention }

    /// The valid records in a segment (a corrupt region counts as none).
    private static func recordCount(_ segment: LogSegment) throws -> UInt64 {
        let bytes = segment.bytes(count: try segment.fileSize())
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
