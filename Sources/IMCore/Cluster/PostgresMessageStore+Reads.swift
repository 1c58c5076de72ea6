import NIOCore
import PostgresNIO

extension PostgresMessageStore {
    /// The most entries one read asks for, whatever the caller's limit.
    private static let maxReadLimit = 100_000

    func sync(
        _ queue: QueueID,
        after key: UInt64,
        limit: Int,
        notBefore: Int64?,
        completion: @escaping @Sendable (Result<SyncPage, StoreError>) -> Void
    ) {
        read(completion) {
            let limit = min(max(0, limit), Self.maxReadLimit)
            // One statement, so one snapshot: the queue's head and the page agree.
            let rows = try await self.database.client.query(
                """
                SELECT q.last_key, e.key, e.command, e.body, e.sender_device, e.stamped
                FROM queues q LEFT JOIN LATERAL (
                    SELECT e.key, m.command, m.body, m.sender_device, m.stamped
                    FROM queue_entries e JOIN messages m ON m.id = e.message_id
                    WHERE e.kind = q.kind AND e.appid = q.appid AND e.owner = q.owner
                        AND e.key > \(Int64(clamping: key)) AND m.stamped >= \(notBefore ?? Int64.min)
                    ORDER BY e.key LIMIT \(limit + 1)
                ) e ON true
                WHERE q.kind = \(Int16(queue.kind.rawValue)) AND q.appid = \(queue.appID) AND q.owner = \(queue.ownerID)
                ORDER BY e.key
                """,
                logger: self.logger
            )
            var newest: UInt64 = 0
            var messages: [StoredMessage] = []
            for try await (head, entry, command, body, device, stamped) in rows.decode(
                (Int64, Int64?, Int16?, ByteBuffer?, Int64?, Int64?).self
            ) {
                newest = UInt64(head)
                if let entry, let command, let body, let device, let stamped {
                    messages.append(
                        StoredMessage(
                            id: UInt64(entry),
                            command: UInt8(command),
                            body: body,
                            senderDeviceID: device,
                            timestamp: stamped
                        )
                    )
                }
            }
            let hasMore = messages.count > limit
            if hasMore { messages.removeLast() }
            return SyncPage(messages: messages, lastID: messages.last?.id ?? key, hasMore: hasMore, newestID: newest)
        }
    }

    func history(
        _ queue: QueueID,
        before: UInt64,
        limit: Int,
        completion: @escaping @Sendable (Result<[StoredMessage], StoreError>) -> Void
    ) {
        read(completion) {
            let rows = try await self.database.client.query(
                """
                SELECT e.key, m.command, m.body, m.sender_device, m.stamped
                FROM queue_entries e JOIN messages m ON m.id = e.message_id
                WHERE e.kind = \(Int16(queue.kind.rawValue)) AND e.appid = \(queue.appID) AND e.owner = \(queue.ownerID)
                    AND e.key < \(Int64(clamping: before))
                ORDER BY e.key DESC LIMIT \(min(max(0, limit), Self.maxReadLimit))
                """,
                logger: self.logger
            )
            var messages: [StoredMessage] = []
            for try await (key, command, body, device, stamped) in rows.decode(
                (Int64, Int16, ByteBuffer, Int64, Int64).self
            ) {
                messages.append(
                    StoredMessage(
                        id: UInt64(key),
                        command: UInt8(command),
                        body: body,
                        senderDeviceID: device,
                        timestamp: stamped
                    )
                )
            }
            return messages.reversed()
        }
    }

    /// A queue's keys are consecutive (1, 2, 3, ...: its head advances by one per entry), so what follows
    /// `key` is the head minus `key`: one index lookup, however long the queue.
    func newCount(
        _ queue: QueueID,
        after key: UInt64,
        completion: @escaping @Sendable (Result<Int, StoreError>) -> Void
    ) {
        read(completion) {
            let rows = try await self.database.client.query(
                """
                SELECT last_key FROM queues
                WHERE kind = \(Int16(queue.kind.rawValue)) AND appid = \(queue.appID) AND owner = \(queue.ownerID)
                """,
                logger: self.logger
            )
            var head: UInt64 = 0
            for try await value in rows.decode(Int64.self) { head = UInt64(value) }
            return head > key ? Int(head - key) : 0
        }
    }

    /// Runs a read within `postgres_timeout` and completes with its result or a `StoreError`.
    private func read<Value: Sendable>(
        _ completion: @escaping @Sendable (Result<Value, StoreError>) -> Void,
        _ body: @escaping @Sendable () async throws -> Value
    ) {
        do { try checkOpen() } catch { return completion(.failure(error)) }
        database.run("a read", body) { result in
            completion(
                result.mapError {
                    $0 as? StoreError ?? StoreError(.failed, "PostgreSQL: \(PostgresDatabase.describe($0))")
                }
            )
        }
    }
}
