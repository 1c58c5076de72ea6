import Logging

extension LogStore {
    /// What opening the log found.
    struct Recovered {
        var queues: [QueueID: QueueIndex] = [:]
        var segments: [LogSegment?] = []
        var lastID: UInt64 = 0
        var messageCount: UInt64 = 0
        var bytes: UInt64 = 0
        var writePosition = LogPosition(segment: 1, offset: 0)
        var truncatedBytes: UInt64 = 0
        var corruptBytes: UInt64 = 0
        var corruptRecords: UInt64 = 0
        var replayedRecords: UInt64 = 0
        var usedSnapshot = false
    }

    /// Loads the index snapshot (if it can be trusted) and replays the log after it, truncating a torn
    /// tail and skipping corrupt records.
    static func recover(configuration: LogStoreConfiguration, logger: Logger) throws -> Recovered {
        let directory = configuration.directory
        let numbers = try StoreDirectory.fileNames(in: directory).compactMap(LogSegment.number).sorted()
        var result = Recovered()
        result.segments = try openSegments(numbers, configuration: configuration, logger: logger)
        var start = LogPosition(segment: numbers.first ?? 1, offset: 0)
        if let snapshot = try trustedSnapshot(directory: directory, segments: result.segments, logger: logger) {
            result.queues = snapshot.queues
            result.lastID = snapshot.lastID
            result.messageCount = snapshot.messageCount
            result.usedSnapshot = true
            start = snapshot.covered
        }
        for (position, number) in numbers.enumerated() {
            guard let segment = result.segments[Int(number) - 1] else { continue }
            let size = try segment.fileSize()
            let isLast = position == numbers.count - 1
            guard number >= start.segment else {
                result.bytes += UInt64(size)
                continue
            }
            let end = try replay(
                segment,
                size: size,
                from: number == start.segment ? Int(start.offset) : 0,
                isLast: isLast,
                into: &result,
                logger: logger
            )
            result.bytes += UInt64(end)
            if isLast { result.writePosition = LogPosition(segment: number, offset: UInt32(end)) }
        }
        return result
    }

    /// The segment files, indexed by number - 1 (nil for a number with no file); a gap is logged.
    private static func openSegments(
        _ numbers: [UInt32],
        configuration: LogStoreConfiguration,
        logger: Logger
    ) throws -> [LogSegment?] {
        var segments: [LogSegment?] = []
        for number in numbers {
            let segment = try LogSegment(
                directory: configuration.directory,
                number: number,
                capacity: configuration.segmentSize,
                create: false
            )
            while segments.count < Int(number) { segments.append(nil) }
            segments[Int(number) - 1] = segment
        }
        if let first = numbers.first, first != 1 || numbers.count != Int(numbers.last! - first + 1) {
            logger.error(
                "segment files are missing: messages in them cannot be read",
                metadata: ["directory": "\(configuration.directory)", "segments": "\(numbers)"]
            )
        }
        return segments
    }

    /// The index snapshot, unless it is missing, unreadable, empty, or ahead of the log it covers.
    private static func trustedSnapshot(
        directory: String,
        segments: [LogSegment?],
        logger: Logger
    ) throws -> IndexSnapshot? {
        let candidate: IndexSnapshot?
        do {
            candidate = try IndexSnapshot.load(directory: directory)
        } catch let error as StoreError where error.code == .unsupportedFormat {
            throw error
        } catch {
            logger.warning("index snapshot ignored; rebuilding the index from the log", metadata: ["error": "\(error)"])
            return nil
        }
        guard let candidate, candidate.covered.packed != 0 else { return nil }
        let number = Int(candidate.covered.segment)
        let segment = number >= 1 && number <= segments.count ? segments[number - 1] : nil
        let size = try segment?.fileSize() ?? 0
        if candidate.covered.offset > 0 && (segment == nil || Int(candidate.covered.offset) > size) {
            logger.warning(
                "index snapshot is ahead of the log; rebuilding the index from the log",
                metadata: ["covered": "\(candidate.covered)", "segment_size": "\(size)"]
            )
            return nil
        }
        return candidate
    }

    /// Replays one segment from `offset`; returns the size the segment has afterwards.
    private static func replay(
        _ segment: LogSegment,
        size: Int,
        from startOffset: Int,
        isLast: Bool,
        into result: inout Recovered,
        logger: Logger
    ) throws -> Int {
        var offset = startOffset
        if offset < LogSegment.headerSize {
            if let end = try checkHeader(segment, size: size, isLast: isLast, into: &result, logger: logger) {
                return end
            }
            offset = LogSegment.headerSize
        }
        let bytes = segment.bytes(count: size)
        while offset < size {
            if let (view, recordSize) = LogRecord.View.validated(in: bytes, at: offset),
                view.firstID > result.lastID,
                apply(view, at: LogPosition(segment: segment.number, offset: UInt32(offset)), to: &result)
            {
                offset += recordSize
                continue
            }
            if let next = resynchronize(bytes, from: offset + 1, after: result.lastID) {
                result.corruptBytes += UInt64(next - offset)
                result.corruptRecords += 1
                logger.error(
                    "corrupt log record skipped",
                    metadata: [
                        "file": "\(segment.path)", "offset": "\(offset)", "bytes": "\(next - offset)",
                    ]
                )
                offset = next
                continue
            }
            return try endOfRecords(segment, at: offset, size: size, isLast: isLast, into: &result, logger: logger)
        }
        return offset
    }

    /// Checks a segment's header; returns the segment's size after recovery when it has no valid one (a
    /// torn new last segment is truncated to nothing, another is skipped), nil when records follow.
    private static func checkHeader(
        _ segment: LogSegment,
        size: Int,
        isLast: Bool,
        into result: inout Recovered,
        logger: Logger
    ) throws -> Int? {
        guard size >= LogSegment.headerSize else {
            // A segment created just before a crash, its header not (fully) written.
            if isLast {
                try segment.truncate(to: 0)
                result.truncatedBytes += UInt64(size)
                if size > 0 { logTruncation(segment, at: 0, bytes: size, logger: logger) }
                return 0
            }
            result.corruptBytes += UInt64(size)
            result.corruptRecords += 1
            logger.error("segment too short to hold a header; skipped", metadata: ["file": "\(segment.path)"])
            return size
        }
        let header = segment.bytes(count: LogSegment.headerSize)
        guard Array(header[0..<8]) == LogSegment.magic else {
            result.corruptBytes += UInt64(size)
            result.corruptRecords += 1
            logger.error("segment has no valid header; skipped", metadata: ["file": "\(segment.path)"])
            return size
        }
        let version = header.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
        guard version <= LogStore.formatVersion else {
            throw StoreError(
                .unsupportedFormat,
                "\(segment.path) has format version \(version); this build reads up to \(LogStore.formatVersion)"
            )
        }
        return nil
    }

    /// No valid record at `offset` and none after it: the last segment's torn tail is truncated; a sealed
    /// segment's corrupt end is skipped. Returns the segment's size afterwards.
    private static func endOfRecords(
        _ segment: LogSegment,
        at offset: Int,
        size: Int,
        isLast: Bool,
        into result: inout Recovered,
        logger: Logger
    ) throws -> Int {
        if isLast {
            try segment.truncate(to: offset)
            result.truncatedBytes += UInt64(size - offset)
            logTruncation(segment, at: offset, bytes: size - offset, logger: logger)
            return offset
        }
        result.corruptBytes += UInt64(size - offset)
        result.corruptRecords += 1
        logger.error(
            "corrupt end of a sealed segment skipped",
            metadata: ["file": "\(segment.path)", "offset": "\(offset)", "bytes": "\(size - offset)"]
        )
        return size
    }

    private static func logTruncation(_ segment: LogSegment, at offset: Int, bytes: Int, logger: Logger) {
        logger.warning(
            "torn tail truncated (an append that never completed)",
            metadata: ["file": "\(segment.path)", "offset": "\(offset)", "bytes": "\(bytes)"]
        )
    }

    /// The next offset at or after `from` where a valid record newer than `lastID` starts.
    static func resynchronize(_ bytes: UnsafeRawBufferPointer, from: Int, after lastID: UInt64) -> Int? {
        var offset = from
        while offset + LogRecord.frameSize + LogRecord.fixedPayloadSize <= bytes.count {
            if let (view, _) = LogRecord.View.validated(in: bytes, at: offset), view.firstID > lastID,
                (0..<view.queueCount).allSatisfy({ view.queue($0) != nil })
            {
                return offset
            }
            offset += 1
        }
        return nil
    }

    /// Adds a replayed record's entries to the index; false if it names an unknown queue kind.
    private static func apply(_ view: LogRecord.View, at position: LogPosition, to result: inout Recovered) -> Bool {
        guard index(view, at: position, into: &result.queues) else { return false }
        result.lastID = view.lastID
        result.messageCount += 1
        result.replayedRecords += 1
        return true
    }

    /// Adds a record's entries (one per queue it names) to `queues`; false, adding none, if it names an
    /// unknown queue kind. Recovery and a replica's copy of its primary's log index records this way.
    static func index(_ view: LogRecord.View, at position: LogPosition, into queues: inout [QueueID: QueueIndex]) -> Bool {
        let count = view.queueCount
        var named: [QueueID] = []
        named.reserveCapacity(count)
        for index in 0..<count {
            guard let queue = view.queue(index) else { return false }
            named.append(queue)
        }
        let timestamp = view.timestamp
        var id = view.firstID
        for queue in named {
            _ = queues[queue, default: QueueIndex()].append(id: id, position: position, timestamp: timestamp, kind: queue.kind)
            id += 1
        }
        return true
    }
}
