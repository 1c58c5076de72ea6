import NIOCore

extension LogStore {
    /// Appends encoded and indexed but not yet written: the writer thread takes the whole batch, writes its
    /// chunks, fsyncs once and completes every append in it.
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
        let outcome: Result<Bool, StoreError> = state.withLock { s in
            if let failure = s.failure { return .failure(failure) }
            if s.closing { return .failure(StoreError(.closed, "the store is closed")) }
            if let reason = s.readOnlyReason { return .failure(StoreError(.readOnly, reason)) }
            let position = s.reservePosition(
                recordSize: recordSize,
                segmentSize: configuration.segmentSize,
                allocator: allocator
            )
            s.enqueue(message, to: queues, at: position, recordSize: recordSize, completion: completion)
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
        StoreError.refusal(
            bodyLength: bodyLength,
            queueCount: queueCount,
            maxBodySize: configuration.maxBodySize,
            maxQueues: configuration.maxQueuesPerAppend
        )
    }
}

extension LogStore.State {
    /// Where a record of `recordSize` bytes goes next: the write position, or the start of a new segment
    /// when it would not fit; opens a pending chunk (with the segment's header) when the batch needs one.
    mutating func reservePosition(recordSize: Int, segmentSize: Int, allocator: ByteBufferAllocator) -> LogPosition {
        var position = writePosition
        if Int(position.offset) + recordSize > segmentSize && Int(position.offset) > LogSegment.headerSize {
            position = LogPosition(segment: position.segment + 1, offset: 0)
        }
        if position.offset == 0 {
            var header = allocator.buffer(capacity: max(recordSize + LogSegment.headerSize, 1 << 16))
            header.writeBytes(LogSegment.header(number: position.segment))
            pending.chunks.append(.init(segment: position.segment, offset: 0, bytes: header))
            position = LogPosition(segment: position.segment, offset: UInt32(LogSegment.headerSize))
            pending.bytes += LogSegment.headerSize
        } else if pending.chunks.last?.segment != position.segment {
            let bytes = allocator.buffer(capacity: max(recordSize, 1 << 16))
            pending.chunks.append(.init(segment: position.segment, offset: position.offset, bytes: bytes))
        }
        return position
    }

    /// Encodes the record into the batch's last chunk and indexes one entry per queue (ids consecutive from
    /// `nextID`); the entries become visible to reads when the writer has made the batch durable.
    mutating func enqueue(
        _ message: NewMessage,
        to queues: [QueueID],
        at position: LogPosition,
        recordSize: Int,
        completion: @escaping @Sendable (Result<AppendReceipt, StoreError>) -> Void
    ) {
        let firstID = nextID
        nextID += UInt64(queues.count)
        LogRecord.encode(
            into: &pending.chunks[pending.chunks.count - 1].bytes,
            firstID: firstID,
            message: message,
            queues: queues
        )
        var previousIDs: [UInt64] = []
        previousIDs.reserveCapacity(queues.count)
        var id = firstID
        for queue in queues {
            let previous = self.queues[queue, default: QueueIndex()]
                .append(id: id, position: position, timestamp: message.timestamp, kind: queue.kind)
            previousIDs.append(previous)
            id += 1
        }
        writePosition = LogPosition(segment: position.segment, offset: position.offset + UInt32(recordSize))
        pending.completions.append(.init(firstID: firstID, previousIDs: previousIDs, callback: completion))
        pending.lastID = id - 1
        pending.end = writePosition
        pending.messages += 1
        pending.entries += UInt64(queues.count)
        pending.bytes += recordSize
    }
}
