import Dispatch
import NIOCore

extension LogStore {
    /// What the thread writing a batch uses; guarded by `writer`.
    struct WriterState {
        var idCeiling: UInt64
        var current: LogSegment?
        /// Segments written but not yet fsynced (`.interval` and `.none`).
        var dirty: [LogSegment] = []
        var lastSync = ContinuousClock.now
        var bytesSinceSnapshot = 0
        var lastSnapshot = ContinuousClock.now
    }

    /// Appends whose batch was written (or failed), in write order, until a thread runs their completions.
    struct FinishedAppends {
        struct Ready {
            var callback: @Sendable (Result<AppendReceipt, StoreError>) -> Void
            var result: Result<AppendReceipt, StoreError>
        }
        var ready: [Ready] = []
        /// A thread is running completions; others leave theirs to it, so they run one at a time, in order.
        var running = false
    }

    /// The writer thread: takes each pending batch it is woken for, writes it, fsyncs it once (`batch`) or
    /// every interval (`interval`), publishes it and completes it.
    func runWriter() {
        let policy = configuration.fsync
        while true {
            let lastSync = writer.withLock { $0.dirty.isEmpty ? nil : $0.lastSync }
            if policy == .interval, let lastSync {
                let remaining = configuration.fsyncInterval - (ContinuousClock.now - lastSync)
                let nanoseconds = max(0, Int(remaining.milliseconds * 1_000_000))
                _ = writerWake.wait(timeout: .now() + .nanoseconds(nanoseconds))
            } else {
                writerWake.wait()
            }
            let (wrote, closing) = writer.withLock { writer in
                let (batch, closing) = state.withLock { s in
                    defer { s.pending = PendingBatch() }
                    return (s.pending, s.closing)
                }
                if !batch.isEmpty { write(batch, writer: &writer) }
                return (!batch.isEmpty, closing)
            }
            runFinished()
            if policy == .interval { syncDirty(force: false) }
            if closing && !wrote {
                syncDirty(force: true)
                return
            }
        }
    }

    /// Fsync `interval` and `none`: writes the pending batch on the calling thread, if the writer lock is
    /// free and the batch stays in the current segment within the reserved ids; then runs completions.
    /// Returns false when the writer thread must take the batch (it is then woken).
    func writeInline() -> Bool {
        var dirtied = false
        let wrote = writer.withLockIfAvailable { writer -> Bool in
            let batch = state.withLock { s -> PendingBatch? in
                // Empty: another thread took it (and wrote this append with it).
                if s.pending.isEmpty { return PendingBatch() }
                guard !s.closing, s.failure == nil, s.pending.lastID <= writer.idCeiling,
                    let current = writer.current?.number,
                    s.pending.chunks.allSatisfy({ $0.segment == current })
                else { return nil }
                defer { s.pending = PendingBatch() }
                return s.pending
            }
            guard let batch else { return false }
            let wasClean = writer.dirty.isEmpty
            if !batch.isEmpty { write(batch, writer: &writer) }
            dirtied = wasClean && !writer.dirty.isEmpty
            return true
        }
        guard wrote == true else { return false }
        // The writer thread sleeps without a deadline while nothing is dirty: wake it to fsync in time.
        if dirtied && configuration.fsync == .interval { writerWake.signal() }
        runFinished()
        return true
    }

    /// Runs the completions of written batches, in order, unless another thread is running them (it
    /// then runs these too).
    func runFinished() {
        while true {
            let ready = finished.withLock { f -> [FinishedAppends.Ready]? in
                guard !f.running, !f.ready.isEmpty else { return nil }
                f.running = true
                defer { f.ready = [] }
                return f.ready
            }
            guard let ready else { return }
            for item in ready { item.callback(item.result) }
            finished.withLock { $0.running = false }
        }
    }

    /// Queues completions of a written (or failed) batch; called under the writer lock, so in write order.
    private func finish(
        _ completions: [PendingBatch.Completion],
        _ result: (PendingBatch.Completion) -> Result<AppendReceipt, StoreError>
    ) {
        finished.withLock { f in
            for completion in completions {
                f.ready.append(.init(callback: completion.callback, result: result(completion)))
            }
        }
    }

    private func write(_ batch: PendingBatch, writer: inout WriterState) {
        do {
            var touched: [LogSegment] = []
            var created = false
            for chunk in batch.chunks {
                if writer.current?.number != chunk.segment {
                    if let previous = writer.current, configuration.fsync != .batch {
                        // A sealed segment is never written again: make it durable now.
                        try previous.sync()
                        writer.dirty.removeAll { $0 === previous }
                    }
                    let segment = try LogSegment(
                        directory: configuration.directory,
                        number: chunk.segment,
                        capacity: configuration.segmentSize,
                        create: true,
                        truncate: chunk.offset == 0
                    )
                    writer.current = segment
                    created = true
                    state.withLock { s in
                        let slot = Int(segment.number) - 1
                        while s.segments.count <= slot { s.segments.append(nil) }
                        s.segments[slot] = segment
                        s.stats.segments += 1
                    }
                }
                let segment = writer.current!
                try chunk.bytes.withUnsafeReadableBytes { (raw) in
                    try segment.write(raw, at: Int(chunk.offset))
                }
                if !touched.contains(where: { $0 === segment }) { touched.append(segment) }
            }
            var fsyncTime: Duration?
            switch configuration.fsync {
            case .batch:
                let started = ContinuousClock.now
                for segment in touched { try segment.sync() }
                if created { try StoreDirectory.syncDirectory(configuration.directory) }
                fsyncTime = ContinuousClock.now - started
            case .interval, .none:
                for segment in touched where !writer.dirty.contains(where: { $0 === segment }) {
                    writer.dirty.append(segment)
                }
                if created { try StoreDirectory.syncDirectory(configuration.directory) }
            }
            if batch.lastID > writer.idCeiling {
                let ceiling = batch.lastID + LogStore.idReservation
                try StoreMeta(formatVersion: LogStore.formatVersion, idCeiling: ceiling)
                    .save(directory: configuration.directory)
                writer.idCeiling = ceiling
            }
            state.withLock { s in
                s.durableID = batch.lastID
                s.durablePosition = batch.end
                s.stats.lastID = batch.lastID
                s.stats.messages += batch.messages
                s.stats.entries += batch.entries
                s.stats.bytes += UInt64(batch.bytes)
                s.stats.appends += UInt64(batch.completions.count)
                if let fsyncTime { s.recordFsync(fsyncTime) }
            }
            finish(batch.completions) {
                .success(AppendReceipt(firstID: $0.firstID, previousIDs: $0.previousIDs))
            }
            writer.bytesSinceSnapshot += batch.bytes
            if writer.bytesSinceSnapshot >= configuration.snapshotEveryBytes
                || ContinuousClock.now - writer.lastSnapshot >= configuration.snapshotInterval
            {
                writer.bytesSinceSnapshot = 0
                writer.lastSnapshot = ContinuousClock.now
                snapshotWake.signal()
            }
        } catch {
            // The log's state on disk is unknown now (think of a failed fsync): stop taking writes rather
            // than acknowledge anything that might not be there. Reads of what was durable go on.
            logger.critical(
                "store write failed; refusing further appends",
                metadata: ["error": "\(error)", "directory": "\(configuration.directory)"]
            )
            let storeError = error as? StoreError ?? StoreError(.io, "\(error)")
            let orphaned = state.withLock { s in
                s.failure = StoreError(.failed, "the store stopped taking writes after an I/O error: \(storeError)")
                s.stats.failedAppends += UInt64(batch.completions.count + s.pending.completions.count)
                defer { s.pending = PendingBatch() }
                return s.pending.completions
            }
            finish(batch.completions + orphaned) { _ in .failure(storeError) }
        }
    }

    /// Fsyncs the segments written since the last fsync, if the interval has passed (or `force`), without
    /// holding the writer lock: appends go on meanwhile and mark their segment dirty again.
    private func syncDirty(force: Bool) {
        let due = writer.withLock { writer -> [LogSegment]? in
            guard !writer.dirty.isEmpty,
                force || ContinuousClock.now - writer.lastSync >= configuration.fsyncInterval
            else { return nil }
            defer {
                writer.dirty.removeAll()
                writer.lastSync = ContinuousClock.now
            }
            return writer.dirty
        }
        guard let due else { return }
        let started = ContinuousClock.now
        for segment in due {
            do {
                try segment.sync()
            } catch {
                logger.error("fsync failed", metadata: ["error": "\(error)"])
            }
        }
        let elapsed = ContinuousClock.now - started
        state.withLock { $0.recordFsync(elapsed) }
    }
}

extension LogStore.State {
    mutating func recordFsync(_ elapsed: Duration) {
        stats.fsyncs += 1
        fsyncMicrosecondsTotal += elapsed.microseconds
        stats.lastFsyncMicroseconds = elapsed.microseconds
        stats.averageFsyncMicroseconds = fsyncMicrosecondsTotal / Double(stats.fsyncs)
    }
}
