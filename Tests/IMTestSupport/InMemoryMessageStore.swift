import IMCore
import ServiceLifecycle
import Synchronization

/// A `MessageStore` in memory, for tests that need the server's logic without files or a database: it
/// passes the same conformance suite as `LogStore` (keys from one counter, so every queue's keys strictly
/// increase and an entry is visible as soon as its append completes), and answers every call at once.
package final class InMemoryMessageStore: MessageStore {
    private struct State {
        var nextID: UInt64 = 1
        var messages: [UInt64: NewMessage] = [:]
        /// Per queue, its entries oldest first: the entry's key and the key of the message's body.
        var queues: [QueueID: [(key: UInt64, body: UInt64)]] = [:]
        var appends: UInt64 = 0
        var closed = false
    }

    private let state = Mutex(State())

    package init() {}

    package func append(
        _ message: NewMessage,
        to queues: [QueueID],
        completion: @escaping @Sendable (Result<AppendReceipt, StoreError>) -> Void
    ) {
        if let refusal = StoreError.refusal(bodyLength: message.body.readableBytes, queueCount: queues.count) {
            return completion(.failure(refusal))
        }
        let result: Result<AppendReceipt, StoreError> = state.withLock { s in
            guard !s.closed else { return .failure(StoreError(.closed, "the store is closed")) }
            let body = s.nextID
            s.messages[body] = message
            var ids: [UInt64] = []
            var previous: [UInt64] = []
            for queue in queues {
                let id = s.nextID
                s.nextID += 1
                previous.append(s.queues[queue]?.last?.key ?? 0)
                s.queues[queue, default: []].append((id, body))
                ids.append(id)
            }
            s.appends += 1
            return .success(AppendReceipt(ids: ids, previousIDs: previous))
        }
        completion(result)
    }

    package func sync(
        _ queue: QueueID,
        after key: UInt64,
        limit: Int,
        notBefore: Int64?,
        completion: @escaping @Sendable (Result<SyncPage, StoreError>) -> Void
    ) {
        completion(
            read { s in
                let entries = s.queues[queue] ?? []
                let after = entries.filter { entry in
                    entry.key > key && notBefore.map { s.messages[entry.body]!.timestamp >= $0 } ?? true
                }
                let page = after.prefix(max(0, limit))
                return SyncPage(
                    messages: page.map { Self.stored($0, s) },
                    lastID: page.last?.key ?? key,
                    hasMore: after.count > page.count,
                    newestID: entries.last?.key ?? 0
                )
            }
        )
    }

    package func history(
        _ queue: QueueID,
        before: UInt64,
        limit: Int,
        completion: @escaping @Sendable (Result<[StoredMessage], StoreError>) -> Void
    ) {
        completion(read { s in (s.queues[queue] ?? []).filter { $0.key < before }.suffix(max(0, limit)).map { Self.stored($0, s) } })
    }

    package func newCount(_ queue: QueueID, after key: UInt64, completion: @escaping @Sendable (Result<Int, StoreError>) -> Void) {
        completion(read { s in (s.queues[queue] ?? []).count { $0.key > key } })
    }

    package var statistics: MessageStoreStatistics {
        state.withLock { s in
            var statistics = MessageStoreStatistics(backend: "memory")
            statistics.messages = UInt64(s.messages.count)
            statistics.entries = UInt64(s.queues.values.reduce(0) { $0 + $1.count })
            statistics.queues = s.queues.count
            statistics.lastID = s.nextID - 1
            statistics.appends = s.appends
            return statistics
        }
    }

    package func requestSnapshot() async throws -> SnapshotReport {
        throw StoreError(.unsupported, "the in-memory store keeps no index snapshot")
    }

    package func requestRetention() async throws -> RetentionReport {
        throw StoreError(.unsupported, "the in-memory store has no retention")
    }

    /// Until graceful shutdown or cancellation; then appends and reads fail with `.closed`.
    package func run() async throws {
        try? await gracefulShutdown()
        state.withLock { $0.closed = true }
    }

    private func read<T>(_ body: (borrowing State) -> T) -> Result<T, StoreError> {
        state.withLock { s in s.closed ? .failure(StoreError(.closed, "the store is closed")) : .success(body(s)) }
    }

    private static func stored(_ entry: (key: UInt64, body: UInt64), _ state: borrowing State) -> StoredMessage {
        let message = state.messages[entry.body]!
        return StoredMessage(
            id: entry.key,
            command: message.command,
            body: message.body,
            senderDeviceID: message.senderDeviceID,
            timestamp: message.timestamp
        )
    }
}
