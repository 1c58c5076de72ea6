import NIOCore

/// The port through which the server stores and reads messages.
///
/// Adapters: `LogStore` (embedded, one machine) and, for a cluster, a PostgreSQL store. Every entry id is
/// unique across the store and strictly increasing, so it serves as the client's sync key in any queue.
/// Futures complete on the event loop the caller passes.
package protocol MessageStore: Sendable {
    /// Stores `message` once and appends an entry for it to each of `queues`, in one durable step.
    ///
    /// The future succeeds only once the message is durable under the store's fsync policy; it fails with
    /// a `StoreError` if it was refused or could not be stored, in which case no entry becomes visible.
    func append(
        _ message: NewMessage,
        to queues: [QueueID],
        on eventLoop: any EventLoop
    )
        -> EventLoopFuture<AppendReceipt>

    /// Up to `limit` messages after `key`, oldest first; with `notBefore`, none stamped earlier (join time).
    func sync(
        _ queue: QueueID,
        after key: UInt64,
        limit: Int,
        notBefore: Int64?,
        on eventLoop: any EventLoop
    )
        -> EventLoopFuture<SyncPage>

    /// The newest `limit` messages with id below `before`, oldest first.
    func history(
        _ queue: QueueID,
        before: UInt64,
        limit: Int,
        on eventLoop: any EventLoop
    )
        -> EventLoopFuture<[StoredMessage]>

    /// How many messages follow `key` in the queue (all of them for key 0).
    func newCount(_ queue: QueueID, after key: UInt64, on eventLoop: any EventLoop) -> EventLoopFuture<Int>

    /// The id of the queue's newest message, 0 if it has none.
    func lastID(_ queue: QueueID, on eventLoop: any EventLoop) -> EventLoopFuture<UInt64>
}

extension MessageStore {
    /// The newest `limit` messages, oldest first.
    package func latest(_ queue: QueueID, limit: Int, on eventLoop: any EventLoop) -> EventLoopFuture<[StoredMessage]> {
        history(queue, before: .max, limit: limit, on: eventLoop)
    }
}
