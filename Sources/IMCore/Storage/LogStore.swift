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
    let state: TracedMutex<State>
    let allocator = ByteBufferAllocator()
    private let lockFD: Int32
    let writerWake = DispatchSemaphore(value: 0)
    private let writerExited = DispatchSemaphore(value: 0)
    let snapshotWake = DispatchSemaphore(value: 0)
    private let snapshotExited = DispatchSemaphore(value: 0)
    /// Held while a snapshot is written: the snapshot thread, `snapshot()` and `close()` share one file.
    let snapshotWriting = TracedMutex(())
    /// One line a second while a full disk refuses appends.
    let diskFullLog = LogThrottle<Int>()
    /// Wakes replication connections when the durable end moves; remembers recent batches for their lag.
    let durableWatch = DurableWatch()

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
        /// Set while the store is a replica: appends are refused with `.readOnly` and this reason.
        var readOnlyReason: String?
        var replica: ReplicaState?
        /// The oldest segment a connected replica still needs: retention keeps it and every later one.
        var replicationFloor: UInt32?
        /// `replication = "sync"`: where durable appends wait for replicas before they complete.
        var gate: ReplicationGate?
        var stats: LogStoreStats
        var fsyncMicrosecondsTotal: Double = 0
        /// `requestSnapshot()` callers waiting for the snapshot thread.
        var snapshotRequests: [@Sendable (Result<SnapshotReport, StoreError>) -> Void] = []
        /// `requestRetention()` callers waiting for the snapshot thread.
        var retentionRequests: [@Sendable (Result<RetentionReport, StoreError>) -> Void] = []
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
        try StoreDirectory.create(configuration.directory)
        let lockFD = try StoreDirectory.lock(configuration.directory)
        do {
            let opened = try LogStore.open(configuration, started: started)
            self.state = TracedMutex(opened.state)
            self.lockFD = lockFD
            logOpened(opened.state.stats, usedSnapshot: opened.usedSnapshot)
            startThreads(opened.writer)
        } catch {
            StoreDirectory.unlock(lockFD)
            throw error
        }
    }

    /// What `open` recovered: the in-memory state, the writer's, and whether a snapshot was used.
    private struct Opened {
        var state: State
        var writer: WriterState
        var usedSnapshot: Bool
    }

    /// Checks the format, recovers the log, reserves ids ahead of use (durably, in `store.meta`).
    private static func open(_ configuration: LogStoreConfiguration, started: ContinuousClock.Instant) throws -> Opened {
        let directory = configuration.directory
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
        var stats = LogStoreStats(recovered: recovered)
        stats.fsyncPolicy = configuration.fsync.rawValue
        stats.openMilliseconds = (ContinuousClock.now - started).milliseconds
        let state = State(
            queues: recovered.queues,
            segments: recovered.segments,
            nextID: lastUsed + 1,
            durableID: recovered.lastID,
            durablePosition: recovered.writePosition,
            writePosition: recovered.writePosition,
            stats: stats
        )
        let writer = WriterState(idCeiling: ceiling, current: recovered.segments.last ?? nil)
        return Opened(state: state, writer: writer, usedSnapshot: recovered.usedSnapshot)
    }

    private func logOpened(_ stats: LogStoreStats, usedSnapshot: Bool) {
        logger.info(
            "store opened",
            metadata: [
                "directory": "\(configuration.directory)", "messages": "\(stats.messages)",
                "queues": "\(stats.queues)", "segments": "\(stats.segments)",
                "replayed_records": "\(stats.replayedRecords)", "snapshot": "\(usedSnapshot)",
                "open_ms": "\(stats.openMilliseconds)", "fsync": "\(configuration.fsync.rawValue)",
            ]
        )
    }

    /// The writer thread (batches, fsyncs, completes appends) and the snapshot thread.
    private func startThreads(_ writerState: WriterState) {
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
