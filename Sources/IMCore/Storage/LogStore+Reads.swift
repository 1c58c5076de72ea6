import NIOCore

extension LogStore {
    /// Entries picked under the lock, read outside it.
    private struct Selection {
        var ids: [UInt64]
        var positions: [UInt64]
        var segments: [LogSegment?]
        var hasMore: Bool
        /// The queue's newest visible key.
        var newestID: UInt64
    }

    private func select(
        _ queue: QueueID,
        _ range: (QueueIndex, _ visible: Int) -> Range<Int>
    ) throws -> Selection? {
        try state.withLock { s throws -> Selection? in
            if s.closed { throw StoreError(.closed, "the store is closed") }
            guard let index = s.queues[queue] else { return nil }
            let visible = index.visibleCount(durableID: s.durableID)
            let picked = range(index, visible)
            return Selection(
                ids: Array(index.ids[picked]),
                positions: Array(index.positions[picked]),
                segments: s.segments,
                hasMore: picked.upperBound < visible,
                newestID: visible > 0 ? index.ids[visible - 1] : 0
            )
        }
    }

    private func read(_ selection: Selection) -> [StoredMessage] {
        var messages: [StoredMessage] = []
        messages.reserveCapacity(selection.ids.count)
        var sizes: [UInt32: Int] = [:]
        var unreadable = 0
        for (id, packed) in zip(selection.ids, selection.positions) {
            let position = LogPosition(packed: packed)
            let slot = Int(position.segment) - 1
            guard slot >= 0, slot < selection.segments.count, let segment = selection.segments[slot] else {
                unreadable += 1
                continue
            }
            let size: Int
            if let known = sizes[position.segment] {
                size = known
            } else {
                size = (try? segment.fileSize()) ?? 0
                sizes[position.segment] = size
            }
            guard let (view, _) = LogRecord.View.validated(in: segment.bytes(count: size), at: Int(position.offset)),
                id >= view.firstID, id <= view.lastID
            else {
                unreadable += 1
                continue
            }
            messages.append(view.message(id: id, allocator: allocator))
        }
        if unreadable > 0 {
            logger.error("entries failed their checksum or lost their segment", metadata: ["count": "\(unreadable)"])
            state.withLock { $0.stats.unreadableEntries += UInt64(unreadable) }
        }
        return messages
    }

    /// Up to `limit` messages after `key`, oldest first, whether more follow and the queue's newest key.
    ///
    /// A key past the queue's end or an unknown queue gives an empty page whose `lastID` is `key`.
    /// With `notBefore`, messages stamped before it are skipped (a super-group member's join time).
    /// Synchronous: the port's form below answers at once.
    package func sync(_ queue: QueueID, after key: UInt64, limit: Int, notBefore: Int64? = nil) throws -> SyncPage {
        let limit = max(0, limit)
        guard
            let selection = try select(
                queue,
                { index, visible in
                    var start = index.firstIndex(after: key)
                    if let notBefore { start = max(start, index.firstIndex(notBefore: notBefore)) }
                    start = min(start, visible)
                    return start..<(start + min(limit, visible - start))
                }
            )
        else { return SyncPage(messages: [], lastID: key, hasMore: false, newestID: 0) }
        let messages = read(selection)
        return SyncPage(
            messages: messages,
            lastID: selection.ids.last ?? key,
            hasMore: selection.hasMore,
            newestID: selection.newestID
        )
    }

    /// The newest `limit` messages with id below `before`, oldest first. Synchronous.
    package func history(_ queue: QueueID, before: UInt64, limit: Int) throws -> [StoredMessage] {
        let limit = max(0, limit)
        guard before > 0,
            let selection = try select(
                queue,
                { index, visible in
                    let end = min(visible, index.firstIndex(after: before - 1))
                    return (end - min(limit, end))..<end
                }
            )
        else { return [] }
        return read(selection)
    }

    /// How many messages follow `key` (all of them for 0). O(log n) in the queue's length. Synchronous.
    package func newCount(_ queue: QueueID, after key: UInt64) throws -> Int {
        try state.withLock { s throws -> Int in
            if s.closed { throw StoreError(.closed, "the store is closed") }
            guard let index = s.queues[queue] else { return 0 }
            let visible = index.visibleCount(durableID: s.durableID)
            return visible - min(visible, index.firstIndex(after: key))
        }
    }

    /// The id of the queue's newest durable message, 0 if none. Synchronous.
    package func lastID(_ queue: QueueID) throws -> UInt64 {
        try state.withLock { s throws -> UInt64 in
            if s.closed { throw StoreError(.closed, "the store is closed") }
            guard let index = s.queues[queue] else { return 0 }
            let visible = index.visibleCount(durableID: s.durableID)
            return visible > 0 ? index.ids[visible - 1] : index.removedThrough
        }
    }

    // MARK: MessageStore: reads answered at once, from memory and the mapped segments.

    package func sync(
        _ queue: QueueID,
        after key: UInt64,
        limit: Int,
        notBefore: Int64?,
        completion: @escaping @Sendable (Result<SyncPage, StoreError>) -> Void
    ) {
        completion(Result { try sync(queue, after: key, limit: limit, notBefore: notBefore) }.mapError(StoreError.wrap))
    }

    package func history(
        _ queue: QueueID,
        before: UInt64,
        limit: Int,
        completion: @escaping @Sendable (Result<[StoredMessage], StoreError>) -> Void
    ) {
        completion(Result { try history(queue, before: before, limit: limit) }.mapError(StoreError.wrap))
    }

    package func newCount(
        _ queue: QueueID,
        after key: UInt64,
        completion: @escaping @Sendable (Result<Int, StoreError>) -> Void
    ) {
        completion(Result { try newCount(queue, after: key) }.mapError(StoreError.wrap))
    }
}
