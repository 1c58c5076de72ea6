import ServiceLifecycle

/// The port through which the server stores and reads messages.
///
/// A `Service`: `run()` keeps it working until graceful shutdown or cancellation, then drains the
/// appends in flight (their completions run) and closes it, never blocking a thread of the concurrency
/// pool.
///
/// Adapters: `LogStore` (embedded, one machine) and, for a cluster, a PostgreSQL store. Both pass the one
/// `MessageStore` conformance suite.
///
/// **Keys.** An entry's key is the client's sync key in its queue. In every queue keys strictly increase,
/// and a read never skips an entry: an entry that becomes visible later never carries a lower key than
/// one a reader has already seen in that queue.
///
/// **Completions.** Every method reports through `completion`, exactly once, on any thread, possibly
/// before the call returns: `LogStore` answers reads from memory at once, a remote store later. Callers
/// hop to their own executor (a session to its event loop). Completions must not block. The `async`
/// forms in the extension below are for callers that are not on an event loop (the admin API).
package protocol MessageStore: Service {
    /// Stores `message` once with an entry in each of `queues` (in that order; a queue named twice gets
    /// two entries), in one durable step.
    ///
    /// Succeeds only once the message is durable under the store's policy, with each entry's key and the
    /// key of the entry before it. Fails with a `StoreError` when the message was refused or could not be
    /// stored (then no entry becomes visible), or when the outcome is unknown (then the message must not
    /// be acknowledged).
    func append(
        _ message: NewMessage,
        to queues: [QueueID],
        completion: @escaping @Sendable (Result<AppendReceipt, StoreError>) -> Void
    )

    /// Up to `limit` entries after `key`, oldest first, with the queue's newest key; with `notBefore`,
    /// none stamped earlier (a super-group member's join time). A key past the queue's end, or an
    /// unknown queue, gives an empty page whose `lastID` is `key`.
    func sync(
        _ queue: QueueID,
        after key: UInt64,
        limit: Int,
        notBefore: Int64?,
        completion: @escaping @Sendable (Result<SyncPage, StoreError>) -> Void
    )

    /// The newest `limit` entries with a key below `before`, oldest first.
    func history(
        _ queue: QueueID,
        before: UInt64,
        limit: Int,
        completion: @escaping @Sendable (Result<[StoredMessage], StoreError>) -> Void
    )

    /// How many entries follow `key` in the queue (all of them for key 0).
    func newCount(_ queue: QueueID, after key: UInt64, completion: @escaping @Sendable (Result<Int, StoreError>) -> Void)

    /// The store's figures now, for `/summary` and `/metrics`.
    var statistics: MessageStoreStatistics { get }

    /// Writes now what makes the next start fast (the log's index snapshot, `POST /store/snapshot`),
    /// without blocking the caller's thread on file I/O. A store with nothing of the kind throws
    /// `StoreError` `.unsupported`.
    func requestSnapshot() async throws -> SnapshotReport

    /// Deletes now what the retention settings no longer keep (`POST /store/compact`), without blocking
    /// the caller's thread on file I/O. A store without retention throws `StoreError` `.unsupported`.
    func requestRetention() async throws -> RetentionReport
}

extension MessageStore {
    /// Appends and waits until the message is durable.
    package func append(_ message: NewMessage, to queues: [QueueID]) async throws -> AppendReceipt {
        try await awaiting { append(message, to: queues, completion: $0) }
    }

    /// `sync(_:after:limit:notBefore:completion:)`, awaited.
    package func sync(_ queue: QueueID, after key: UInt64, limit: Int, notBefore: Int64? = nil) async throws -> SyncPage {
        try await awaiting { sync(queue, after: key, limit: limit, notBefore: notBefore, completion: $0) }
    }

    /// `history(_:before:limit:completion:)`, awaited.
    package func history(_ queue: QueueID, before: UInt64, limit: Int) async throws -> [StoredMessage] {
        try await awaiting { history(queue, before: before, limit: limit, completion: $0) }
    }

    /// The newest `limit` entries, oldest first.
    package func latest(_ queue: QueueID, limit: Int) async throws -> [StoredMessage] {
        try await history(queue, before: .max, limit: limit)
    }

    /// `newCount(_:after:completion:)`, awaited.
    package func newCount(_ queue: QueueID, after key: UInt64) async throws -> Int {
        try await awaiting { newCount(queue, after: key, completion: $0) }
    }
}

/// Waits for a port's completion: `start` is handed the completion to pass on.
package func awaiting<Value: Sendable, Failure: Error>(
    _ start: (@escaping @Sendable (Result<Value, Failure>) -> Void) -> Void
) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        start { continuation.resume(with: $0.mapError { $0 as any Error }) }
    }
}
