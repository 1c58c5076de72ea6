import AsyncAlgorithms
import PostgresNIO
import ServiceLifecycle

extension PostgresDirectory {
    // MARK: Sync keys and unread counts (batched)

    func syncKey(_ user: UserKey, completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void) {
        storedSyncKey(SyncKeyRow(appID: user.appID, uid: user.uid, groupID: 0), completion)
    }

    func groupSyncKey(
        _ user: UserKey,
        groupID: Int64,
        completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void
    ) {
        storedSyncKey(SyncKeyRow(appID: user.appID, uid: user.uid, groupID: groupID), completion)
    }

    func setSyncKeyIfLarger(_ user: UserKey, _ key: Int64) {
        raise(SyncKeyRow(appID: user.appID, uid: user.uid, groupID: 0), to: key)
    }

    func setGroupSyncKeyIfLarger(_ user: UserKey, groupID: Int64, _ key: Int64) {
        raise(SyncKeyRow(appID: user.appID, uid: user.uid, groupID: groupID), to: key)
    }

    func setUnreadCount(_ user: UserKey, _ count: Int32) {
        state.withLock { $0.pending.unread[user] = count }
    }

    private func raise(_ row: SyncKeyRow, to key: Int64) {
        state.withLock { s in
            if key > s.pending.syncKeys[row] ?? 0 { s.pending.syncKeys[row] = key }
        }
    }

    /// The larger of the database's key and one not yet written.
    private func storedSyncKey(
        _ row: SyncKeyRow,
        _ completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void
    ) {
        answer(completion) {
            let rows = try await self.database.client.query(
                "SELECT key FROM sync_keys WHERE appid = \(row.appID) AND uid = \(row.uid) AND gid = \(row.groupID)",
                logger: self.logger
            )
            var stored: Int64 = 0
            for try await key in rows.decode(Int64.self) { stored = key }
            let unwritten = self.state.withLock { max($0.pending.syncKeys[row] ?? 0, $0.writing.syncKeys[row] ?? 0) }
            return max(stored, unwritten)
        }
    }

    // MARK: Lifecycle

    /// Writes the batched changes every 100 ms until graceful shutdown or cancellation, then closes.
    func run() async throws {
        for await _ in AsyncTimerSequence(interval: .milliseconds(100), clock: .continuous).cancelOnGracefulShutdown() {
            do { try await flush() } catch { logger.error("directory flush failed: \(error)") }
        }
        try await close()
    }

    /// Writes every batched change in one transaction; on failure they stay pending for the next flush.
    /// Rows go in key order, so two nodes flushing the same users cannot deadlock.
    func flush() async throws {
        try await flushing.withLock {
            let batch = state.withLock { s -> Pending in
                s.writing = s.pending
                s.pending = Pending()
                return s.writing
            }
            guard !batch.isEmpty else { return }
            do {
                try await database.withinTimeout("writing sync keys and unread counts") { try await self.write(batch) }
                state.withLock { $0.writing = Pending() }
            } catch {
                state.withLock { s in
                    for (row, key) in s.writing.syncKeys where key > s.pending.syncKeys[row] ?? 0 {
                        s.pending.syncKeys[row] = key
                    }
                    for (user, count) in s.writing.unread where s.pending.unread[user] == nil {
                        s.pending.unread[user] = count
                    }
                    s.writing = Pending()
                }
                throw Self.wrap(error)
            }
        }
    }

    /// A last flush, then nothing more is accepted (later calls fail with `.closed`).
    func close() async throws {
        defer { state.withLock { $0.closed = true } }
        try await flush()
    }

    private func write(_ batch: Pending) async throws {
        let keys = batch.syncKeys.sorted { $0.key < $1.key }
        let users = batch.unread.sorted { ($0.key.appID, $0.key.uid) < ($1.key.appID, $1.key.uid) }
        try await database.client.withTransaction(logger: logger) { connection in
            if !keys.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO sync_keys (appid, uid, gid, key)
                    SELECT * FROM unnest(\(keys.map(\.key.appID))::bigint[], \(keys.map(\.key.uid))::bigint[],
                        \(keys.map(\.key.groupID))::bigint[], \(keys.map(\.value))::bigint[])
                    ON CONFLICT (appid, uid, gid) DO UPDATE SET key = greatest(sync_keys.key, EXCLUDED.key)
                    """,
                    logger: logger
                )
            }
            if !users.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO unread_counts (appid, uid, count)
                    SELECT * FROM unnest(\(users.map(\.key.appID))::bigint[], \(users.map(\.key.uid))::bigint[],
                        \(users.map { Int32($0.value) })::integer[])
                    ON CONFLICT (appid, uid) DO UPDATE SET count = EXCLUDED.count
                    """,
                    logger: logger
                )
            }
        }
    }
}
