import NIOCore

/// A message to append: what the store keeps of it, once, however many queues it goes to.
package struct NewMessage: Sendable {
    /// The client command (`MSG_IM`, `MSG_GROUP_IM`, `MSG_SYSTEM`, ...).
    package var command: UInt8
    /// The body as the client protocol encodes it in version 2, without header or flags.
    package var body: ByteBuffer
    /// The sender's numeric device id (0 when the server itself sends).
    package var senderDeviceID: Int64
    /// Unix seconds, set by the server.
    package var timestamp: Int64

    package init(command: UInt8, body: ByteBuffer, senderDeviceID: Int64, timestamp: Int64) {
        self.command = command
        self.body = body
        self.senderDeviceID = senderDeviceID
        self.timestamp = timestamp
    }
}

/// A message read back from one queue.
package struct StoredMessage: Sendable, Equatable {
    /// The entry's id in that queue: the client's sync key.
    package var id: UInt64
    package var command: UInt8
    package var body: ByteBuffer
    package var senderDeviceID: Int64
    package var timestamp: Int64

    package init(id: UInt64, command: UInt8, body: ByteBuffer, senderDeviceID: Int64, timestamp: Int64) {
        self.id = id
        self.command = command
        self.body = body
        self.senderDeviceID = senderDeviceID
        self.timestamp = timestamp
    }
}

/// The result of one append: per queue, in the order given, the entry's key and the key of the entry
/// before it in that queue (0 if none).
///
/// The pair becomes the client's `METADATA(sync_key, prev_sync_key)`. Keys are per queue: an adapter may
/// hand out consecutive ids (`LogStore`) or keys from each queue's own sequence.
package struct AppendReceipt: Sendable, Equatable, RandomAccessCollection {
    /// The keys: consecutive from a first one (one allocation less per append on the hot path), or each
    /// its own.
    private enum Keys: Sendable, Equatable {
        case consecutive(from: UInt64)
        case explicit([UInt64])
    }

    private let keys: Keys
    package let previousIDs: [UInt64]

    /// Entries keyed `firstID`, `firstID + 1`, ...
    package init(firstID: UInt64, previousIDs: [UInt64]) {
        self.keys = .consecutive(from: firstID)
        self.previousIDs = previousIDs
    }

    /// Entries with keys of their own.
    package init(ids: [UInt64], previousIDs: [UInt64]) {
        precondition(ids.count == previousIDs.count, "one previous id per entry")
        self.keys = .explicit(ids)
        self.previousIDs = previousIDs
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { previousIDs.count }

    package subscript(position: Int) -> (id: UInt64, previousID: UInt64) {
        switch keys {
        case .consecutive(let first): (first + UInt64(position), previousIDs[position])
        case .explicit(let ids): (ids[position], previousIDs[position])
        }
    }

    /// Equal when every entry is.
    package static func == (lhs: AppendReceipt, rhs: AppendReceipt) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0 == $1 }
    }
}

/// One entry of a queue: where a stored message sits for one of its recipients.
package struct QueueEntry: Sendable, Hashable {
    package var queue: QueueID
    package var id: UInt64
    package var previousID: UInt64

    package init(queue: QueueID, id: UInt64, previousID: UInt64) {
        self.queue = queue
        self.id = id
        self.previousID = previousID
    }
}

/// One page of a queue read oldest to newest.
package struct SyncPage: Sendable, Equatable {
    /// Entries after the requested key, oldest first.
    package var messages: [StoredMessage]
    /// The key of the newest entry returned, or the requested key when none was.
    package var lastID: UInt64
    /// Whether more entries follow `lastID` in the queue.
    package var hasMore: Bool
    /// The key of the queue's newest entry, 0 if it has none.
    package var newestID: UInt64

    package init(messages: [StoredMessage], lastID: UInt64, hasMore: Bool, newestID: UInt64) {
        self.messages = messages
        self.lastID = lastID
        self.hasMore = hasMore
        self.newestID = newestID
    }
}
