import GRDB
import NIOPosix

extension SQLiteDirectory {
    /// The batched changes of one flush, with the values memory held when it was taken.
    struct FlushBatch: Sendable {
        var devices: [PendingDevice] = []
        var users: [(key: UserKey, syncKey: Int64, unread: Int32)] = []
        var groupSyncKeys: [(key: GroupMemberKey, syncKey: Int64)] = []

        /// Writes the batch; the caller's transaction makes it all or nothing.
        func write(_ db: Database) throws {
            // OR IGNORE: a row can only exist already if another process wrote the file; failing here would
            // block every later flush (and with it every sync key), for a device that keeps its id in memory.
            let insertDevice = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO devices (id, device, platform) VALUES (?, ?, ?)"
            )
            for device in devices {
                try insertDevice.execute(arguments: [device.id, device.key.device, Int64(device.key.platform)])
            }
            // max(): the file never loses a sync key, whatever order flushes of two processes commit in.
            let upsertUser = try db.cachedStatement(
                sql: """
                    INSERT INTO users (appid, uid, sync_key, unread) VALUES (?, ?, ?, ?)
                    ON CONFLICT (appid, uid) DO UPDATE
                    SET sync_key = max(sync_key, excluded.sync_key), unread = excluded.unread
                    """
            )
            for user in users {
                try upsertUser.execute(arguments: [user.key.appID, user.key.uid, user.syncKey, user.unread])
            }
            let upsertGroupSyncKey = try db.cachedStatement(
                sql: """
                    INSERT INTO group_sync_keys (appid, uid, gid, sync_key) VALUES (?, ?, ?, ?)
                    ON CONFLICT (appid, uid, gid) DO UPDATE SET sync_key = max(sync_key, excluded.sync_key)
                    """
            )
            for member in groupSyncKeys {
                try upsertGroupSyncKey.execute(
                    arguments: [member.key.user.appID, member.key.user.uid, member.key.groupID, member.syncKey]
                )
            }
        }
    }

    /// Writes every batched device id, sync key and unread count in one transaction, on the blocking-I/O
    /// pool (never on a thread of the concurrency pool).
    ///
    /// The server calls it every ~100 ms and at shutdown. Nothing is written (and no transaction begun)
    /// when nothing changed. If the write fails, the changes stay pending and the next flush retries them;
    /// throws `.failed`, or `.closed` after `close()`.
    package func flush() async throws {
        try checkOpen()
        guard state.withLock({ $0.hasPendingChanges }) else { return }
        try await NIOThreadPool.singleton.runIfActive { try self.writePending() }
    }

    /// Flushes, then closes the file, on the blocking-I/O pool. Throwing calls fail from then on; a second
    /// `close()` does nothing.
    ///
    /// Non-throwing setters called after `close()` change memory only. If the last flush fails the file
    /// is closed anyway and the error thrown: the batched changes are lost, as after a crash (clients
    /// then sync from older keys, and get messages they have already seen).
    package func close() async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.closeNow() }
    }

    func closeNow() throws {
        let first = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        guard first else { return }
        var flushError: (any Error)?
        do {
            try writePending()
        } catch {
            logger.error("directory close: the last flush failed", metadata: ["path": "\(path)", "error": "\(error)"])
            flushError = error
        }
        do {
            try database.close()
        } catch {
            flushError = flushError ?? DirectoryError(.io, "close \(path): \(error)")
        }
        if let flushError { throw flushError }
        logger.info("directory closed", metadata: ["path": "\(path)"])
    }

    /// Takes the pending changes and writes them in one transaction; puts them back if that fails.
    func writePending() throws {
        guard state.withLock({ $0.hasPendingChanges }) else { return }
        var batch = FlushBatch()
        do {
            try database.write { db in
                // Taken inside the write, which GRDB serialises: two flushes cannot commit their batches
                // in the opposite order to the one they took them in (an older unread count would win).
                batch = state.withLock { $0.takePending() }
                try batch.write(db)
            }
        } catch {
            state.withLock { $0.restorePending(batch) }
            throw DirectoryError(.failed, "flush \(path): \(error)")
        }
    }
}

extension SQLiteDirectory.State {
    /// Empties the pending lists, returning their current values.
    mutating func takePending() -> SQLiteDirectory.FlushBatch {
        var batch = SQLiteDirectory.FlushBatch()
        batch.devices = pendingDevices
        batch.users = dirtyUsers.map { user in
            let record = users[user] ?? SQLiteDirectory.UserRecord()
            return (user, record.syncKey, record.unread)
        }
        batch.groupSyncKeys = dirtyGroupSyncKeys.map { ($0, groupSyncKeys[$0] ?? 0) }
        pendingDevices = []
        dirtyUsers = []
        dirtyGroupSyncKeys = []
        return batch
    }

    /// Marks a batch that was not written as pending again. Values are re-read from memory at the next
    /// flush, so changes made meanwhile are kept.
    mutating func restorePending(_ batch: SQLiteDirectory.FlushBatch) {
        pendingDevices = batch.devices + pendingDevices
        dirtyUsers.formUnion(batch.users.map(\.key))
        dirtyGroupSyncKeys.formUnion(batch.groupSyncKeys.map(\.key))
    }
}
