/// Where a replica's log stands against its primary's.
struct MirrorProgress: Sendable, Equatable {
    /// The end of what this log holds durably (the position the replica asks its primary for next).
    var position: LogPosition
    /// The newest id durable here.
    var lastID: UInt64
}

/// A log's newest record: where it starts and its checksum (its frame's CRC), by which a primary checks
/// that a replica's log is a prefix of its own before it continues it.
struct LogTail: Sendable, Equatable {
    var record: LogPosition
    var checksum: UInt32

    static let empty = LogTail(record: LogPosition(packed: 0), checksum: 0)
}

extension LogStore {
    /// This log's newest record (`.empty` for an empty log): the start of the record holding the newest
    /// entry, read from the index, and its checksum from the file.
    var tail: LogTail {
        let (position, segments) = state.withLock { s -> (UInt64?, [LogSegment?]) in
            var newest: (id: UInt64, position: UInt64)?
            for index in s.queues.values {
                guard let id = index.ids.last, id > newest?.id ?? 0 else { continue }
                newest = (id, index.positions[index.positions.count - 1])
            }
            return (newest?.position, s.segments)
        }
        guard let position = position.map(LogPosition.init(packed:)) else { return .empty }
        let slot = Int(position.segment) - 1
        guard slot >= 0, slot < segments.count, let segment = segments[slot],
            let size = try? segment.fileSize(), Int(position.offset) + LogRecord.frameSize <= size
        else { return .empty }
        let bytes = segment.bytes(count: size)
        return LogTail(record: position, checksum: bytes.loadUnaligned(fromByteOffset: Int(position.offset) + 4, as: UInt32.self))
    }

    /// Whether the store takes appends (a primary), its primary's log (a replica), or nothing (a former
    /// primary whose replica was promoted).
    enum Role: String, Sendable {
        case primary
        case replica
        case deposed
    }

    /// What a replica's store keeps beside its log's state.
    struct ReplicaState {
        /// The newest id the primary said it had handed out: a promotion continues after it.
        var primaryAssignedID: UInt64 = 0
        /// Bytes copied since the last index snapshot was asked for.
        var bytesSinceSnapshot = 0
        /// The id ceiling in `store.meta` when it became a replica: a promotion never writes a lower one.
        var metaCeiling: UInt64 = 0
    }

    var role: Role {
        state.withLock { s in s.replica != nil ? .replica : s.readOnlyReason != nil ? .deposed : .primary }
    }

    /// Stops taking appends for good (`.readOnly`, `reason`): a replica of this primary was promoted.
    func depose(reason: String) {
        state.withLock { $0.readOnlyReason = reason }
    }

    /// Why appends are refused (a replica, or deposed), or nil.
    var readOnlyReason: String? { state.withLock { $0.readOnlyReason } }

    /// The replica's position and newest durable id.
    var mirrorProgress: MirrorProgress {
        state.withLock { s in MirrorProgress(position: s.durablePosition, lastID: s.durableID) }
    }

    /// Makes this store a replica: it refuses appends (`.readOnly`, naming `primary`) and takes its
    /// primary's log through `mirror(_:primarySegmentSize:assignedID:)` until `promote()`.
    func becomeReplica(of primary: String) throws {
        let ceiling = try StoreMeta.load(directory: configuration.directory)?.idCeiling ?? 0
        state.withLock { s in
            s.replica = ReplicaState(metaCeiling: ceiling)
            s.readOnlyReason = "this server is a replica of \(primary) (replica_of): "
                + "write to the primary, or promote this one (imctl store promote)"
        }
    }

    /// Writes chunks of the primary's log at the same places in this log, makes them durable (one fsync
    /// for all, unless the store's fsync policy is `none`) and indexes their records; returns where the
    /// log now ends.
    ///
    /// Each chunk must continue this log: at its end, or at the start of a later segment. Records are
    /// checked as recovery checks them (a corrupt region is skipped and counted, never indexed).
    @discardableResult
    func mirror(_ chunks: [ReplicationChunk], primarySegmentSize: Int, assignedID: UInt64) throws -> MirrorProgress {
        var touched: [LogSegment] = []
        var created = false
        var end = try state.withLock { s throws -> LogPosition in
            guard s.replica != nil else { throw ReplicationRefusal("this store is a primary now: it copies no log") }
            return s.writePosition
        }
        for chunk in chunks {
            guard chunk.start == end || (chunk.offset == 0 && chunk.segment > end.segment) else {
                throw ReplicationRefusal("the primary sent \(chunk.start); this replica's log ends at \(end)")
            }
            let segment = try mirrorSegment(for: chunk, primarySegmentSize: primarySegmentSize)
            created = created || chunk.offset == 0
            try chunk.bytes.withUnsafeReadableBytes { raw in try segment.write(raw, at: Int(chunk.offset)) }
            if !touched.contains(where: { $0 === segment }) { touched.append(segment) }
            end = chunk.end
        }
        // What the replica acknowledges is durable under its own fsync policy: fsynced unless it is `none`
        // (`interval` fsyncs each copy too: a replica's acknowledgement is what `replication = "sync"` waits for).
        if configuration.fsync != .none {
            for segment in touched { try segment.sync() }
            if created { try StoreDirectory.syncDirectory(configuration.directory) }
        }
        return state.withLock { s in
            let (lastID, messages, entries, corrupt) = Self.indexMirrored(chunks, after: s.durableID, into: &s)
            s.durableID = lastID
            s.durablePosition = end
            s.writePosition = end
            s.stats.lastID = lastID
            s.stats.messages += messages
            s.stats.entries += entries
            s.stats.corruptBytes += corrupt
            if var replica = s.replica {
                replica.primaryAssignedID = max(replica.primaryAssignedID, assignedID)
                replica.bytesSinceSnapshot += chunks.reduce(0) { $0 + $1.bytes.readableBytes }
                if replica.bytesSinceSnapshot >= configuration.snapshotEveryBytes {
                    replica.bytesSinceSnapshot = 0
                    snapshotWake.signal()
                }
                s.replica = replica
            }
            return MirrorProgress(position: end, lastID: lastID)
        }
    }

    /// Indexes the records of mirrored `chunks` after `lastID` as recovery reads them (a corrupt region is
    /// skipped and counted, never indexed); returns the new last id and what was indexed and skipped.
    private static func indexMirrored(
        _ chunks: [ReplicationChunk],
        after lastID: UInt64,
        into s: inout State
    ) -> (lastID: UInt64, messages: UInt64, entries: UInt64, corrupt: UInt64) {
        var lastID = lastID
        var messages: UInt64 = 0
        var entries: UInt64 = 0
        var corrupt: UInt64 = 0
        for chunk in chunks {
            guard let segment = s.segments[Int(chunk.segment) - 1] else { continue }
            let bytes = segment.bytes(count: Int(chunk.end.offset))
            var offset = chunk.offset == 0 ? LogSegment.headerSize : Int(chunk.offset)
            while offset < Int(chunk.end.offset) {
                let position = LogPosition(segment: chunk.segment, offset: UInt32(offset))
                if let (view, size) = LogRecord.View.validated(in: bytes, at: offset), view.firstID > lastID,
                    LogStore.index(view, at: position, into: &s.queues)
                {
                    lastID = view.lastID
                    messages += 1
                    entries += UInt64(view.queueCount)
                    offset += size
                    continue
                }
                let next = LogStore.resynchronize(bytes, from: offset + 1, after: lastID) ?? Int(chunk.end.offset)
                corrupt += UInt64(next - offset)
                offset = next
            }
            s.stats.bytes += UInt64(chunk.bytes.readableBytes)
        }
        return (lastID, messages, entries, corrupt)
    }

    /// The segment a chunk is written into: created (empty) when the chunk starts it, else the one this
    /// log has, mapped again larger when the primary's segments are larger than this store's.
    private func mirrorSegment(for chunk: ReplicationChunk, primarySegmentSize: Int) throws -> LogSegment {
        let capacity = max(configuration.segmentSize, primarySegmentSize, Int(chunk.end.offset))
        let slot = Int(chunk.segment) - 1
        let existing = state.withLock { s in slot < s.segments.count ? s.segments[slot] : nil }
        if chunk.offset != 0, let existing, existing.capacity >= Int(chunk.end.offset) { return existing }
        guard chunk.offset == 0 || existing != nil else {
            throw ReplicationRefusal("the primary sent segment \(chunk.segment) from offset \(chunk.offset); this replica has no such segment")
        }
        let segment = try LogSegment(
            directory: configuration.directory,
            number: chunk.segment,
            capacity: capacity,
            create: true,
            truncate: chunk.offset == 0
        )
        state.withLock { s in
            while s.segments.count <= slot { s.segments.append(nil) }
            if s.segments[slot] == nil { s.stats.segments += 1 }
            s.segments[slot] = segment
        }
        return segment
    }

    /// Turns this replica into a primary: it takes appends from now on, its ids continuing after the
    /// highest it has seen (its own log's, or the newest its primary said it had handed out), made durable
    /// in `store.meta` before it returns. Returns the first id it will hand out.
    func promote() throws -> UInt64 {
        let (next, metaCeiling) = try state.withLock { s throws -> (UInt64, UInt64) in
            guard let replica = s.replica else { throw StoreError(.unsupported, "this store is a primary already") }
            s.nextID = max(s.durableID, replica.primaryAssignedID) + 1
            return (s.nextID, replica.metaCeiling)
        }
        let ceiling = max(next - 1 + LogStore.idReservation, metaCeiling)
        try StoreMeta(formatVersion: LogStore.formatVersion, idCeiling: ceiling).save(directory: configuration.directory)
        state.withLock { s in
            s.replica = nil
            s.readOnlyReason = nil
        }
        logger.notice("store promoted: it takes appends now", metadata: ["first_id": "\(next)"])
        return next
    }
}
