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

/// The result of one append: per queue (in the order given), the entry's id and the id of the entry
/// before it in that queue (0 if none).
///
/// The pair becomes the client's `METADATA(sync_key, prev_sync_key)`. The ids of one append are
/// consecutive: the entry for `queues[i]` has id `firstID + i`.
package struct AppendReceipt: Sendable, Equatable, RandomAccessCollection {
    package let firstID: UInt64
    package let previousIDs: [UInt64]

    package init(firstID: UInt64, previousIDs: [UInt64]) {
        self.firstID = firstID
        self.previousIDs = previousIDs
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { previousIDs.count }

    package subscript(position: Int) -> (id: UInt64, previousID: UInt64) {
        (firstID + UInt64(position), previousIDs[position])
    }
}

/// One page of a queue read oldest to newest.
package struct SyncPage: Sendable, Equatable {
    /// Messages after the requested key, oldest first.
    package var messages: [StoredMessage]
    /// The id of the newest message returned, or the requested key when none was.
    package var lastID: UInt64
    /// Whether more messages follow `lastID` in the queue.
    package var hasMore: Bool

    package init(messages: [StoredMessage], lastID: UInt64, hasMore: Bool) {
        self.messages = messages
        self.lastID = lastID
        self.hasMore = hasMore
    }
}
