import Dispatch
import Foundation
import Logging
import NIOCore
import Synchronization

/// The embedded `MessageStore`: an append-only, checksummed, group-committed log in a data directory.
///
/// Each message body is written once, in a record that also names every queue it was appended to;
/// an in-memory index per queue maps entry ids to record positions. Appends are encoded under one lock
/// into a pending batch; a single writer thread writes each batch, fsyncs it once (group commit) and
/// only then makes its entries visible and completes the appends. Reads copy positions under the lock
/// and read records through a read-only mapping of the segment files, verifying each checksum.
///
/// Open with `init(configuration:)`, and call `close()` when done: it drains pending appends, writes an
/// index snapshot (so the next open replays nothing) and releases the directory lock.
package final class LogStore: MessageStore {
    /// The data-directory format this build writes; a directory with a newer one is refused.
    package static let formatVersion: UInt32 = 1
    /// Ids reserved (made durable in `store.meta`) ahead of use.
    static let idReservation: UInt64 = 1 << 24

    package let configuration: LogStoreConfiguration
    let logger: Logger
    let state: Mutex<State>
    let allocator = ByteBufferAllocator()
    private let lockFD: Int32
    let writerWake = DispatchSemaphore(value: 0)
    private let writerExited = DispatchSemaphore(value: 0)
    let snapshotWake = DispatchSemaphore(value: 0)
    private let snapshotExited = DispatchSemaphore(value: 0)
    /// Held while a snapshot is written: the snapshot thread, `snapshot()` and `close()` share one file.
    let snapshotWriting = Mutex(())

    struct State {
        var queues: [QueueID: QueueIndex]
        /// Indexed by segment number - 1; nil for a number with no file.
        var segments: [LogSegment?]
        var nextID: UInt64
        var durableID: UInt64
        var durablePosition: LogPosition
        var writePosition: LogPosition
        var pending = PendingBatch()
        var closing = false
        var closed = false
        var failure: StoreError?
        var stats: LogStoreStats
        var fsyncMicrosecondsTotal: Double = 0
        /// `requestSnapshot()` callers waiting for the snapshot thread.
        var snapshotRequests: [@Sendable (Result<SnapshotReport, StoreError>) -> Void] = []
    }

    struct PendingBatch {
        struct Chunk {
            var segment: UInt32
            var offset: UInt32
            var bytes: ByteBuffer
        }
        struct Completion {
            var firstID: UInt64
            var previousIDs: [UInt64]
            var callback: @Sendable (Result<AppendReceipt, StoreError>) -> Void
        }
        var chunks: [Chunk] = []
        var completions: [Completion] = []
        var lastID: UInt64 = 0
        var end = LogPosition(packed: 0)
        var messages: UInt64 = 0
        var entries: UInt64 = 0
        var bytes: Int = 0

        var isEmpty: Bool { completions.isEmpty }
    }

    /// Opens (or creates) the store in `configuration.directory`, recovering from any crash.
    ///
    /// A torn tail is truncated and a corrupt record skipped, both logged and counted in `stats`; the
    /// store always opens unless the directory is unreadable, locked by another process, or written by a
    /// newer format version.
    package init(configuration: LogStoreConfiguration) throws {
        let started = ContinuousClock.now
        try configuration.validate()
        self.configuration = configuration
        self.logger = configuration.logger
        let directory = configuration.directory
        try StoreDirectory.create(directory)
        let lockFD = try StoreDirectory.lock(directory)
        do {
            let meta = try StoreMeta.load(directory: directory)
            if let meta, meta.formatVersion > LogStore.formatVersion {
                throw StoreError(
                    .unsupportedFormat,
                    "\(directory) holds a store of format version \(meta.formatVersion); this build reads up to \(LogStore.formatVersion): use a newer imd"
                )
            }
            let recovered = try LogStore.recover(configuration: configuration, logger: configuration.logger)
            if meta == nil && recovered.lastID > 0 {
                configuration.logger.warning(
                    "store.meta is missing; continuing after the highest id in the log",
                    metadata: ["directory": "\(directory)", "last_id": "\(recovered.lastID)"]
                )
            }
            let lastUsed = max(recovered.lastID, meta?.idCeiling ?? 0)
            let ceiling = lastUsed + LogStore.idReservation
            try StoreMeta(formatVersion: LogStore.formatVersion, idCeiling: ceiling).save(directory: directory)

            var stats = LogStoreStats()
            stats.messages = recovered.messageCount
            stats.entries = recovered.queues.values.reduce(0) { $0 + UInt64($1.count) }
            stats.queues = recovered.queues.count
            stats.bytes = recovered.bytes
            stats.segments = recovered.segments.count { $0 != nil }
            stats.lastID = recovered.lastID
            stats.recoveredBytes = recovered.truncatedBytes
            stats.corruptBytes = recovered.corruptBytes
            stats.corruptRecords = recovered.corruptRecords
            stats.replayedRecords = recovered.replayedRecords
            stats.fsyncPolicy = configuration.fsync.rawValue
            stats.openMilliseconds = (ContinuousClock.now - started).milliseconds

            let currentSegment = recovered.segments.last ?? nil
            self.state = Mutex(
                State(
                    queues: recovered.queues,
                    segments: recovered.segments,
                    nextID: lastUsed + 1,
                    durableID: recovered.lastID,
                    durablePosition: recovered.writePosition,
                    writePosition: recovered.writePosition,
                    stats: stats
                )
            )
            self.lockFD = lockFD
            logger.info(
                "store opened",
                metadata: [
                    "directory": "\(directory)", "messages": "\(stats.messages)", "queues": "\(stats.queues)",
                    "segments": "\(stats.segments)", "replayed_records": "\(stats.replayedRecords)",
                    "snapshot": "\(recovered.usedSnapshot)", "open_ms": "\(stats.openMilliseconds)",
                    "fsync": "\(configuration.fsync.rawValue)",
                ]
            )
            let writerState = WriterState(idCeiling: ceiling, current: currentSegment)
            let writer = Thread { [self] in
                self.runWriter(writerState)
                self.writerExited.signal()
            }
            writer.name = "im.store.writer"
            writer.start()
            let snapshotter = Thread { [self] in
                self.runSnapshotter()
                self.snapshotExited.signal()
            }
            snapshotter.name = "im.store.snapshot"
            snapshotter.start()
        } catch {
            StoreDirectory.unlock(lockFD)
            throw error
        }
    }

    /// Appends `message` to `queues`; `completion` runs on the writer thread once it is durable or failed.
    ///
    /// Appends complete in the order they were made. A queue named twice gets two entries. `completion`
    /// must not block: it runs on the thread that writes every batch (hop to your own executor).
    package func append(
        _ message: NewMessage,
        to queues: [QueueID],
        completion: @escaping @Sendable (Result<AppendReceipt, StoreError>) -> Void
    ) {
        let bodyLength = message.body.readableBytes
        if let refusal = refusal(bodyLength: bodyLength, queueCount: queues.count) {
            completion(.failure(refusal))
            return
        }
        let recordSize = LogRecord.size(queueCount: queues.count, bodyLength: bodyLength)
        let segmentSize = configuration.segmentSize
        let outcome: Result<Bool, StoreError> = state.withLock { s in
            if let failure = s.failure { return .failure(failure) }
            if s.closing { return .failure(StoreError(.closed, "the store is closed")) }
            var position = s.writePosition
            if Int(position.offset) + recordSize > segmentSize && Int(position.offset) > LogSegment.headerSize {
                position = LogPosition(segment: position.segment + 1, offset: 0)
            }
            if position.offset == 0 {
                var header = allocator.buffer(capacity: max(recordSize + LogSegment.headerSize, 1 << 16))
                header.writeBytes(LogSegment.header(number: position.segment))
                s.pending.chunks.append(.init(segment: position.segment, offset: 0, bytes: header))
                position = LogPosition(segment: position.segment, offset: UInt32(LogSegment.headerSize))
                s.pending.bytes += LogSegment.headerSize
            } else if s.pending.chunks.last?.segment != position.segment {
                let bytes = allocator.buffer(capacity: max(recordSize, 1 << 16))
                s.pending.chunks.append(.init(segment: position.segment, offset: position.offset, bytes: bytes))
            }
            let firstID = s.nextID
            s.nextID += UInt64(queues.count)
            LogRecord.encode(
                into: &s.pending.chunks[s.pending.chunks.count - 1].bytes,
                firstID: firstID,
                message: message,
                queues: queues
            )
            var previousIDs: [UInt64] = []
            previousIDs.reserveCapacity(queues.count)
            var id = firstID
            for queue in queues {
                previousIDs.append(
                    s.queues[queue, default: QueueIndex()].append(
                        id: id,
                        position: position,
                        timestamp: message.timestamp,
                        kind: queue.kind
                    )
                )
                id += 1
            }
            s.writePosition = LogPosition(segment: position.segment, offset: position.offset + UInt32(recordSize))
            s.pending.completions.append(.init(firstID: firstID, previousIDs: previousIDs, callback: completion))
            s.pending.lastID = id - 1
            s.pending.end = s.writePosition
            s.pending.messages += 1
            s.pending.entries += UInt64(queues.count)
            s.pending.bytes += recordSize
            return .success(s.pending.completions.count == 1)
        }
        switch outcome {
        case .success(let first):
            if first { writerWake.signal() }
        case .failure(let error):
            completion(.failure(error))
        }
    }

    private func refusal(bodyLength: Int, queueCount: Int) -> StoreError? {
        if bodyLength == 0 { return StoreError(.emptyBody, "the message body is empty") }
        if bodyLength > configuration.maxBodySize {
            return StoreError(
                .bodyTooLarge,
                "the body has \(bodyLength) bytes; the limit is \(configuration.maxBodySize)"
            )
        }
        if queueCount == 0 { return StoreError(.noQueues, "the message names no queue") }
        if queueCount > configuration.maxQueuesPerAppend {
            return StoreError(
                .tooManyQueues,
                "the message names \(queueCount) queues; the limit is \(configuration.maxQueuesPerAppend)"
            )
        }
        return nil
    }

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
        ]
        return statistics
    }

    /// Writes an index snapshot now, on the calling thread (also done periodically and on close).
    @discardableResult
    package func snapshot() throws -> SnapshotReport {
        try writeSnapshot()
    }

    /// Drains pending appends, fsyncs, writes an index snapshot and releases the data directory.
    ///
    /// Appends made after `close()` starts fail with `.closed`; reads fail with `.closed` once it returns.
    /// Calling it again does nothing.
    package func close() throws {
        let first = state.withLock { s in
            defer { s.closing = true }
            return !s.closing
        }
        guard first else { return }
        writerWake.signal()
        writerExited.wait()
        snapshotWake.signal()
        snapshotExited.wait()
        let (failure, lastAssigned) = state.withLock { s in (s.failure, s.nextID - 1) }
        var closeError: StoreError?
        if failure == nil {
            do {
                try writeSnapshot()
                try StoreMeta(formatVersion: LogStore.formatVersion, idCeiling: lastAssigned)
                    .save(directory: configuration.directory)
            } catch {
                logger.error("store close: \(error)")
                closeError = error as? StoreError ?? StoreError(.io, "\(error)")
            }
        }
        state.withLock { s in
            s.closed = true
            s.queues = [:]
            s.segments = []
        }
        StoreDirectory.unlock(lockFD)
        logger.info("store closed", metadata: ["directory": "\(configuration.directory)"])
        if let closeError { throw closeError }
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    var microseconds: Double { milliseconds * 1000 }
}
