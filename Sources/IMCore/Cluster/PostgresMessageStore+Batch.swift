import NIOCore
import PostgresNIO

extension PostgresMessageStore {
    /// Writes one batch as one statement (so one transaction and one commit) and completes each append
    /// with its keys, or every append with the error: then nothing of the batch is visible, or the
    /// outcome is unknown (a lost connection, a timeout) and none of its messages may be acknowledged.
    func write(_ batch: [Append]) async {
        let started = ContinuousClock.now
        var outcome: Result<[Int64], any Error> = .failure(StoreError(.failed, "not written"))
        // Deadlocks cannot happen between our own batches (they lock queue heads in one order); a
        // serialization failure or a deadlock with something else is retried, as PostgreSQL advises.
        for attempt in 1...3 {
            do {
                outcome = .success(
                    try await database.withinTimeout("appending \(batch.count) messages") {
                        try await self.insert(batch)
                    }
                )
            } catch {
                outcome = .failure(error)
            }
            guard case .failure(let error) = outcome, attempt < 3,
                let state = PostgresDatabase.sqlState(error), state == "40P01" || state == "40001"
            else { break }
        }
        let elapsed = (ContinuousClock.now - started).microseconds
        switch outcome {
        case .success(let keys):
            var next = 0
            var receipts: [AppendReceipt] = []
            receipts.reserveCapacity(batch.count)
            for append in batch {
                let ids = keys[next..<(next + append.queues.count)].map { UInt64($0) }
                next += append.queues.count
                receipts.append(AppendReceipt(ids: ids, previousIDs: ids.map { $0 - 1 }))
            }
            state.withLock { s in
                s.figures.appends += UInt64(batch.count)
                s.figures.appendedMessages += UInt64(batch.count)
                s.figures.appendedEntries += UInt64(keys.count)
                s.figures.commits += 1
                s.figures.lastCommitMicroseconds = elapsed
                s.figures.totalCommitMicroseconds += elapsed
                s.figures.lastID = max(s.figures.lastID, UInt64(keys.max() ?? 0))
            }
            for (append, receipt) in zip(batch, receipts) { append.completion(.success(receipt)) }
        case .failure(let error):
            let failure = StoreError(.failed, "PostgreSQL: \(PostgresDatabase.describe(error))")
            logger.error(
                "an append batch failed",
                metadata: ["messages": "\(batch.count)", "error": "\(failure.message)"]
            )
            state.withLock { $0.figures.failedAppends += UInt64(batch.count) }
            for append in batch { append.completion(.failure(failure)) }
        }
    }

    /// The batch's statement: bodies get ids from `message_ids`; queue heads are created or advanced by
    /// their entry count, locked in (kind, appid, owner) order; each entry's key is its queue's new head
    /// minus the entries after it in the batch. Returns the keys in the order of the batch's entries.
    private func insert(_ batch: [Append]) async throws -> [Int64] {
        var commands: [Int16] = []
        var bodies: [ByteBuffer] = []
        var devices: [Int64] = []
        var stamps: [Int64] = []
        var owners: [Int64] = []
        var apps: [Int64] = []
        var kinds: [Int16] = []
        var messageOrdinals: [Int64] = []
        for (ordinal, append) in batch.enumerated() {
            commands.append(Int16(append.message.command))
            bodies.append(append.message.body)
            devices.append(append.message.senderDeviceID)
            stamps.append(append.message.timestamp)
            for queue in append.queues {
                messageOrdinals.append(Int64(ordinal + 1))
                kinds.append(Int16(queue.kind.rawValue))
                apps.append(queue.appID)
                owners.append(queue.ownerID)
            }
        }
        let rows = try await database.client.query(
            """
            WITH msg AS MATERIALIZED (
                SELECT ord, nextval('message_ids') AS id, command, body, sender_device, stamped
                FROM unnest(\(commands)::smallint[], \(bodies)::bytea[], \(devices)::bigint[], \(stamps)::bigint[])
                    WITH ORDINALITY AS t (command, body, sender_device, stamped, ord)
            ), stored AS (
                INSERT INTO messages (id, command, body, sender_device, stamped)
                SELECT id, command, body, sender_device, stamped FROM msg
            ), entry AS MATERIALIZED (
                SELECT ord, message, kind, appid, owner,
                    row_number() OVER (PARTITION BY kind, appid, owner ORDER BY ord) AS n,
                    count(*) OVER (PARTITION BY kind, appid, owner) AS total
                FROM unnest(\(messageOrdinals)::bigint[], \(kinds)::smallint[], \(apps)::bigint[], \(owners)::bigint[])
                    WITH ORDINALITY AS t (message, kind, appid, owner, ord)
            ), head AS (
                INSERT INTO queues AS q (kind, appid, owner, last_key)
                SELECT DISTINCT kind, appid, owner, total FROM entry ORDER BY kind, appid, owner
                ON CONFLICT (kind, appid, owner) DO UPDATE SET last_key = q.last_key + EXCLUDED.last_key
                RETURNING kind, appid, owner, last_key
            ), keyed AS MATERIALIZED (
                SELECT e.ord, e.message, e.kind, e.appid, e.owner, h.last_key - e.total + e.n AS key
                FROM entry e JOIN head h USING (kind, appid, owner)
            ), filed AS (
                INSERT INTO queue_entries (kind, appid, owner, key, message_id)
                SELECT k.kind, k.appid, k.owner, k.key, m.id FROM keyed k JOIN msg m ON m.ord = k.message
            )
            SELECT key FROM keyed ORDER BY ord
            """,
            logger: logger
        )
        var keys: [Int64] = []
        keys.reserveCapacity(messageOrdinals.count)
        for try await key in rows.decode(Int64.self) { keys.append(key) }
        guard keys.count == messageOrdinals.count else {
            throw StoreError(.failed, "the batch returned \(keys.count) keys for \(messageOrdinals.count) entries")
        }
        return keys
    }
}
