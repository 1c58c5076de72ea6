import Dispatch
import NIOCore

extension LogStore {
    /// What only the writer thread touches.
    struct WriterState {
        var idCeiling: UInt64
        var current: LogSegment?
        /// Segments written but not yet fsynced (`.interval` and `.none`).
        var dirty: [LogSegment] = []
        var lastSync = ContinuousClock.now
        var bytesSinceSnapshot = 0
        var lastSnapshot = ContinuousClock.now
    }

    /// The writer thread: takes each pending batch, writes it, fsyncs it once, publishes it, completes it.
    func runWriter(_ initial: WriterState) {
        var writer = initial
        let policy = configuration.fsync
        while true {
            if policy == .interval && !writer.dirty.isEmpty {
                let remaining = configuration.fsyncInterval - (ContinuousClock.now - writer.lastSync)
                let nanoseconds = max(0, Int(remaining.milliseconds * 1_000_000))
                _ = writerWake.wait(timeout: .now() + .nanoseconds(nanoseconds))
            } else {
                writerWake.wait()
            }
            let (batch, closing) = state.withLock { s in
                defer { s.pending = PendingBatch() }
                return (s.pending, s.closing)
            }
            if !batch.isEmpty {
                write(batch, writer: &writer)
            }
            if policy == .interval, !writer.dirty.isEmpty,
                ContinuousClock.now - writer.lastSync >= configuration.fsyncInterval
            {
                syncDirty(&writer)
            }
            if closing && batch.isEmpty {
                syncDirty(&writer)
                return
            }
        }
    }

    /// Writes one batch, makes it durable under the fsync policy, publishes its entries and completes its
    /// appends. Out of space while writing, it rolls the log back and fails only what was pending; on
    /// any other I/O error it fails them and stops the store taking writes.
    private func write(_ batch: PendingBatch, writer: inout WriterState) {
        let touched: [LogSegment]
        let created: Bool
        do {
            (touched, created) = try writeChunks(batch, writer: &writer)
            if batch.lastID > writer.idCeiling {
                let ceiling = batch.lastID + LogStore.idReservation
                try StoreMeta(formatVersion: LogStore.formatVersion, idCeiling: ceiling)
                    .save(directory: configuration.directory)
                writer.idCeiling = ceiling
            }
        } catch let error as StoreError where error.isOutOfSpace {
            rollBack(batch, error, writer: &writer)
            return
        } catch {
            fail(batch, error)
            return
        }
        do {
            let fsyncTime = try makeDurable(touched, created: created, writer: &writer)
            if let gate = publish(batch, fsyncTime: fsyncTime) {
                gate.hold(batch.completions, end: batch.end)
            } else {
                for completion in batch.completions {
                    completion.callback(
                        .success(AppendReceipt(firstID: completion.firstID, previousIDs: completion.previousIDs))
                    )
                }
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
            // A failed fsync leaves the file's state unknown: never write on after it.
            fail(batch, error)
        }
    }

    /// Writes the batch's chunks, opening segments as they start; returns the segments written and
    /// whether a file was created (the directory then needs an fsync too).
    private func writeChunks(_ batch: PendingBatch, writer: inout WriterState) throws -> ([LogSegment], Bool) {
        var touched: [LogSegment] = []
        var created = false
        for chunk in batch.chunks {
            if writer.current?.number != chunk.segment {
                try openSegment(chunk, writer: &writer)
                created = true
            }
            let segment = writer.current!
            try chunk.bytes.withUnsafeReadableBytes { (raw) in
                try segment.write(raw, at: Int(chunk.offset))
            }
            if !touched.contains(where: { $0 === segment }) { touched.append(segment) }
        }
        return (touched, created)
    }

    /// Seals the current segment (durable now unless every batch is fsynced) and opens the chunk's one.
    private func openSegment(_ chunk: PendingBatch.Chunk, writer: inout WriterState) throws {
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
        state.withLock { s in
            let slot = Int(segment.number) - 1
            while s.segments.count <= slot { s.segments.append(nil) }
            s.segments[slot] = segment
            s.stats.segments += 1
        }
    }

    /// fsyncs what the batch touched (`.batch`) or marks it dirty for later; returns the fsync's time.
    private func makeDurable(_ touched: [LogSegment], created: Bool, writer: inout WriterState) throws -> Duration? {
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
        return fsyncTime
    }

    /// Makes the batch's entries visible to reads and counts it; returns the gate its appends wait at
    /// (`replication = "sync"`), if any.
    private func publish(_ batch: PendingBatch, fsyncTime: Duration?) -> ReplicationGate? {
        let gate = state.withLock { s in
            s.durableID = batch.lastID
            s.durablePosition = batch.end
            s.stats.lastID = batch.lastID
            s.stats.messages += batch.messages
            s.stats.entries += batch.entries
            s.stats.bytes += UInt64(batch.bytes)
            s.stats.appends += UInt64(batch.completions.count)
            if let fsyncTime { s.recordFsync(fsyncTime) }
            return s.gate
        }
        durableWatch.published(end: batch.end, messages: batch.messages)
        return gate
    }

    /// The log's state on disk is unknown now (think of a failed fsync): stop taking writes rather than
    /// acknowledge anything that might not be there. Reads of what was durable go on.
    func fail(_ batch: PendingBatch, _ error: any Error) {
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
        for completion in batch.completions + orphaned {
            completion.callback(.failure(storeError))
        }
    }

    private func syncDirty(_ writer: inout WriterState) {
        guard !writer.dirty.isEmpty else { return }
        let started = ContinuousClock.now
        for segment in writer.dirty {
            do {
                try segment.sync()
            } catch {
                logger.error("fsync failed", metadata: ["error": "\(error)"])
            }
        }
        let elapsed = ContinuousClock.now - started
        writer.dirty.removeAll()
        writer.lastSync = ContinuousClock.now
        state.withLock { $0.recordFsync(elapsed) }
    }
}

extension LogStore.State {
    /// Drops deleted segment files (retention, or a full disk's rollback) from the table and the count.
    mutating func forget(_ deleted: [LogSegment]) {
        for segment in deleted {
            segments[Int(segment.number) - 1] = nil
            stats.segments -= 1
        }
    }

    mutating func recordFsync(_ elapsed: Duration) {
        stats.fsyncs += 1
        fsyncMicrosecondsTotal += elapsed.microseconds
        stats.lastFsyncMicroseconds = elapsed.microseconds
        stats.averageFsyncMicroseconds = fsyncMicrosecondsTotal / Double(stats.fsyncs)
    }
}
