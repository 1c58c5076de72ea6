import NIOCore

/// A piece of the primary's log as it is on disk: whole records (and the segment's header when `offset`
/// is 0), to be written at the same place in the replica's copy of the segment.
struct ReplicationChunk: Sendable, Equatable {
    var segment: UInt32
    var offset: UInt32
    var bytes: ByteBuffer

    var start: LogPosition { LogPosition(segment: segment, offset: offset) }
    var end: LogPosition { LogPosition(segment: segment, offset: offset + UInt32(bytes.readableBytes)) }
}

/// Why a replica's position cannot be served.
struct ReplicationRefusal: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension LogStore {
    /// Checks that a replica whose log ends at `position` with `tail` as its newest record holds a prefix of
    /// this log: the same record, with the same checksum, ending where the replica's log ends. Throws a
    /// refusal naming the divergence otherwise (a former primary's log with what this one never had).
    func verifyReplica(at position: LogPosition, tail: LogTail) throws {
        guard tail.record.packed != 0 else { return }
        let segments = state.withLock { $0.segments }
        let slot = Int(tail.record.segment) - 1
        let divergence = ReplicationRefusal(
            "the replica's log diverges from this primary's at \(tail.record) (a record this log does not have): "
                + "move the replica's data directory aside and start it again to copy this log from scratch"
        )
        guard slot >= 0, slot < segments.count, let segment = segments[slot] else {
            if let oldest = segments.lazy.compactMap({ $0 }).first, tail.record.segment < oldest.number { return }
            throw divergence
        }
        let bytes = segment.bytes(count: try segment.fileSize())
        guard let (_, size) = LogRecord.View.validated(in: bytes, at: Int(tail.record.offset)),
            bytes.loadUnaligned(fromByteOffset: Int(tail.record.offset) + 4, as: UInt32.self) == tail.checksum,
            tail.record.segment != position.segment || Int(tail.record.offset) + size == Int(position.offset)
        else { throw divergence }
    }

    /// The primary's durable end and the newest id it has handed out (durable or not).
    var replicationHead: (durable: LogPosition, durableID: UInt64, assignedID: UInt64) {
        state.withLock { s in (s.durablePosition, s.durableID, s.nextID - 1) }
    }

    /// What follows `position` in the durable log: whole records, about `maxBytes` of them (at least
    /// one), from one segment; nil when `position` is the durable end. A sealed segment read to its end
    /// continues at the start of the next one.
    ///
    /// Throws when this log cannot continue a replica at `position`: a segment it needs was deleted
    /// (retention), or the replica is past this log's end or between two of its records (the replica's
    /// log has entries this one lacks).
    func replicationChunk(after position: LogPosition, maxBytes: Int) throws -> ReplicationChunk? {
        var position = position.packed == 0 ? LogPosition(segment: 1, offset: 0) : position
        let (segments, durable) = state.withLock { s in (s.segments, s.durablePosition) }
        while true {
            if position >= durable {
                guard position == durable else {
                    throw ReplicationRefusal(
                        "the replica is at \(position), past this log's end (\(durable)): its log has entries this one lacks"
                    )
                }
                return nil
            }
            let slot = Int(position.segment) - 1
            guard slot >= 0, slot < segments.count, let segment = segments[slot] else {
                if let oldest = segments.lazy.compactMap({ $0 }).first, position.segment < oldest.number {
                    throw ReplicationRefusal(
                        "segment \(position.segment), which the replica needs next, was deleted (retention); "
                            + "start the replica again from an empty data directory"
                    )
                }
                throw ReplicationRefusal("this log has no segment \(position.segment) (the replica is at \(position))")
            }
            let end = position.segment == durable.segment ? Int(durable.offset) : try segment.fileSize()
            if Int(position.offset) >= end {
                guard Int(position.offset) == end else {
                    throw ReplicationRefusal(
                        "the replica is at \(position), past the end of this log's segment (\(end) bytes): "
                            + "its log has entries this one lacks"
                    )
                }
                position = LogPosition(segment: position.segment + 1, offset: 0)
                continue
            }
            return try chunk(of: segment, from: Int(position.offset), to: end, maxBytes: maxBytes)
        }
    }

    /// The bytes of `segment` from `start` to a record boundary about `maxBytes` on (or `end`).
    private func chunk(of segment: LogSegment, from start: Int, to end: Int, maxBytes: Int) throws -> ReplicationChunk {
        let bytes = segment.bytes(count: end)
        var cursor = start
        if cursor == 0 {
            cursor = LogSegment.headerSize
        } else if LogRecord.View.validated(in: bytes, at: cursor) == nil {
            throw ReplicationRefusal(
                "the replica is at segment \(segment.number) offset \(start), which is not where a record of this "
                    + "log starts: its log has entries this one lacks"
            )
        }
        while cursor < end && cursor - start < maxBytes {
            guard let size = LogRecord.frameLength(in: bytes, at: cursor), cursor + size <= end else {
                // A region recovery skipped as corrupt: send the rest of the segment as it is (the replica
                // skips it the same way).
                cursor = end
                break
            }
            cursor += size
        }
        var buffer = allocator.buffer(capacity: cursor - start)
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<cursor]))
        return ReplicationChunk(segment: segment.number, offset: UInt32(start), bytes: buffer)
    }
}

extension LogStore {
    /// Retention keeps `segment` and every later one (the oldest a connected replica is in); nil: none.
    func setReplicationFloor(_ segment: UInt32?) {
        state.withLock { $0.replicationFloor = segment }
    }

    /// Where durable appends wait for replicas before they complete (`replication = "sync"`); nil: they
    /// complete as soon as they are durable here.
    func setGate(_ gate: ReplicationGate?) {
        state.withLock { $0.gate = gate }
    }

    /// The log's bytes from `start` to `end` (0 when `end` is not after `start`): a replica's lag.
    func logBytes(from start: LogPosition, to end: LogPosition) -> UInt64 {
        guard start < end else { return 0 }
        let segments = state.withLock { $0.segments }
        if start.segment == end.segment { return UInt64(end.offset - start.offset) }
        var total = UInt64(end.offset)
        for number in start.segment..<end.segment {
            let slot = Int(number) - 1
            guard slot >= 0, slot < segments.count, let segment = segments[slot] else { continue }
            let size = UInt64((try? segment.fileSize()) ?? 0)
            total += number == start.segment ? size - min(size, UInt64(start.offset)) : size
        }
        return total
    }
}

extension LogRecord {
    /// The size of the record framed at `offset` (its frame and payload), read from its length field only,
    /// or nil when the frame is too short to be a record.
    static func frameLength(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        guard offset >= 0, offset + frameSize <= bytes.count else { return nil }
        let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
        guard length >= fixedPayloadSize else { return nil }
        return frameSize + length
    }
}
