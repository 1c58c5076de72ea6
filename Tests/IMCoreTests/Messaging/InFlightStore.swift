import Synchronization

@testable import IMCore

/// A `MessageStore` that passes every call on to a real store and counts the calls not yet answered, so a
/// test on a testing event loop knows when the store's answers (and the hops they queue) are all in.
final class InFlightStore: MessageStore {
    private struct Counts {
        var pending = 0
        var answered = 0
    }

    private let inner: any MessageStore
    private let counts = Mutex(Counts())

    init(_ inner: any MessageStore) { self.inner = inner }

    /// Calls made and not yet answered.
    var pending: Int { counts.withLock { $0.pending } }
    /// Calls answered so far (each counted once its completion has returned).
    var answered: Int { counts.withLock { $0.answered } }

    /// `completion`, counted: the call is pending until `completion` has run.
    private func tracked<Value>(_ completion: @escaping @Sendable (Result<Value, StoreError>) -> Void)
        -> @Sendable (Result<Value, StoreError>) -> Void
    {
        counts.withLock { $0.pending += 1 }
        return { result in
            completion(result)
            self.counts.withLock { $0.pending -= 1; $0.answered += 1 }
        }
    }

    func append(_ message: NewMessage, to queues: [QueueID], completion: @escaping @Sendable (Result<AppendReceipt, StoreError>) -> Void) {
        inner.append(message, to: queues, completion: tracked(completion))
    }

    func sync(
        _ queue: QueueID,
        after key: UInt64,
        limit: Int,
        notBefore: Int64?,
        completion: @escaping @Sendable (Result<SyncPage, StoreError>) -> Void
    ) {
        inner.sync(queue, after: key, limit: limit, notBefore: notBefore, completion: tracked(completion))
    }

    func history(_ queue: QueueID, before: UInt64, limit: Int, completion: @escaping @Sendable (Result<[StoredMessage], StoreError>) -> Void) {
        inner.history(queue, before: before, limit: limit, completion: tracked(completion))
    }

    func newCount(_ queue: QueueID, after key: UInt64, completion: @escaping @Sendable (Result<Int, StoreError>) -> Void) {
        inner.newCount(queue, after: key, completion: tracked(completion))
    }

    var statistics: MessageStoreStatistics { inner.statistics }
    func requestSnapshot() async throws -> SnapshotReport { try await inner.requestSnapshot() }
    func requestRetention() async throws -> RetentionReport { try await inner.requestRetention() }
    func run() async throws { try await inner.run() }
}
