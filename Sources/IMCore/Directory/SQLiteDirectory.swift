import Foundation
import GRDB
import Logging
import Synchronization

/// The embedded `Directory`: tokens, device ids, sync keys and preferences in one SQLite file (GRDB),
/// served from memory.
///
/// Every row is loaded into memory at open, so lookups on the hot path (a token at login, a device id,
/// a sync key) take one uncontended lock and never touch the file. Traffic-driven writes (device ids,
/// sync keys, unread counts) change memory at once and are written by `flush()`, all in one
/// transaction; admin writes (tokens, preferences) are committed before their `async` call returns.
///
/// The file is opened in WAL mode with `synchronous = FULL` (a commit survives power loss) and
/// migrated to the current schema at open. One process owns the file: a second writer would not see
/// this one's unflushed device ids and could hand out the same id twice.
///
/// Open with `init(path:logger:)` and call `close()` when done: it flushes, so device ids and sync keys
/// handed out are found again on the next open.
package final class SQLiteDirectory: Directory {
    /// The SQLite file.
    package let path: String
    let logger: Logger
    /// One connection is enough: after open every read is served from memory, so readers would sit idle,
    /// and GRDB serialises the writes of admin calls and `flush()` on it.
    let database: DatabaseQueue
    let state: TracedMutex<State>

    /// Opens (or creates) the SQLite file at `path`, migrates it and loads every row into memory.
    ///
    /// Throws `DirectoryError` `.io` if the file cannot be opened, read or migrated, and
    /// `.unsupportedFormat` if a newer build has migrated it past what this build knows.
    package init(path: String, logger: Logger) throws {
        self.path = path
        self.logger = logger
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.label = "SQLiteDirectory"
        // Only an operator's sqlite3 shell could hold a lock on the file; wait for it rather than fail.
        configuration.busyMode = .timeout(5)
        let started = ContinuousClock.now
        let database: DatabaseQueue
        let loaded: State
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in
                // GRDB's WAL setup picks NORMAL, which may lose the last commits on power loss; tokens and
                // preferences promise durability when their call returns.
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let migrator = SQLiteDirectory.migrator
            if try database.read({ try migrator.hasBeenSuperseded($0) }) {
                let applied = try database.read { try migrator.appliedIdentifiers($0) }
                let unknown = applied.subtracting(migrator.migrations).sorted().joined(separator: ", ")
                throw DirectoryError(
                    .unsupportedFormat,
                    "\(path) has schema migrations this build does not know (\(unknown)): use a newer imd"
                )
            }
            try migrator.migrate(database)
            loaded = try database.read { try State.load($0) }
        } catch let error as DirectoryError {
            throw error
        } catch {
            throw DirectoryError(.io, "open \(path): \(error)")
        }
        self.database = database
        logger.info(
            "directory opened",
            metadata: [
                "path": "\(path)", "tokens": "\(loaded.tokens.count)", "devices": "\(loaded.devices.count)",
                "users": "\(loaded.users.count)", "group_sync_keys": "\(loaded.groupSyncKeys.count)",
                "open_ms": "\((ContinuousClock.now - started).milliseconds)",
            ]
        )
        self.state = TracedMutex(loaded)
    }

    // MARK: Tokens

    /// Issues a new random token for `(appID, uid)`, valid for `ttl` seconds after `now` (nil: until
    /// revoked); its hash is committed before this returns. Throws `.invalidArgument` for `ttl <= 0`.
    package func issueToken(appID: Int64, uid: Int64, ttl: Int64?, now: Int64) async throws -> String {
        let expiresAt = try DirectoryToken.expiry(ttl: ttl, now: now)
        let token = DirectoryToken.generate()
        let hash = DirectoryToken.hash(token)
        let grant = TokenGrant(appID: appID, uid: uid, expiresAt: expiresAt)
        try await writeDurably("issue a token for \(appID)/\(uid)") { db in
            try db.execute(
                sql: "INSERT INTO tokens (hash, appid, uid, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [hash, appID, uid, now, expiresAt]
            )
        } then: { state, _ in
            state.tokens[hash] = grant
        }
        return token
    }

    /// Revokes `token` durably; returns whether it existed (expired or not).
    package func revokeToken(_ token: String) async throws -> Bool {
        let hash = DirectoryToken.hash(token)
        return try await writeDurably("revoke a token") { db in
            try db.execute(sql: "DELETE FROM tokens WHERE hash = ?", arguments: [hash])
            return db.changesCount > 0
        } then: { state, _ in
            state.tokens[hash] = nil
        }
    }

    /// The grant of `token` if it was issued, not revoked and not expired at `now`; from memory, at once.
    package func lookupToken(
        _ token: String,
        now: Int64,
        completion: @escaping @Sendable (Result<TokenGrant?, DirectoryError>) -> Void
    ) {
        // Hash outside the lock: it is the only work here that is not a dictionary lookup.
        let hash = DirectoryToken.hash(token)
        guard let grant = state.withLock({ $0.tokens[hash] }) else { return completion(.success(nil)) }
        if let expiresAt = grant.expiresAt, expiresAt <= now { return completion(.success(nil)) }
        completion(.success(grant))
    }

    // MARK: Devices

    /// The stable id of `(device, platform)`, at once: 0 for web clients and empty device strings;
    /// otherwise the stored id, or the next unused one (this process owns the file, so its counter is the
    /// only one), assigned in memory and written by the next `flush()`.
    package func deviceID(
        for device: String,
        platform: UInt8,
        completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void
    ) {
        if platform == IMAuthToken.Platform.web.rawValue || device.isEmpty { return completion(.success(0)) }
        let key = DeviceKey(device: device, platform: platform)
        let id = state.withLock { state in
            if let id = state.devices[key] { return id }
            state.lastDeviceID += 1
            state.devices[key] = state.lastDeviceID
            state.pendingDevices.append(PendingDevice(key: key, id: state.lastDeviceID))
            return state.lastDeviceID
        }
        completion(.success(id))
    }

    // MARK: Sync keys and unread counts

    /// The user's personal sync key (0 if none); from memory, at once.
    package func syncKey(_ user: UserKey, completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void) {
        completion(.success(state.withLock { $0.users[user]?.syncKey ?? 0 }))
    }

    /// Raises the user's sync key to `key` (a smaller or equal key is ignored); written by `flush()`.
    package func setSyncKeyIfLarger(_ user: UserKey, _ key: Int64) {
        state.withLock { state in
            guard key > state.users[user]?.syncKey ?? 0 else { return }
            state.users[user, default: UserRecord()].syncKey = key
            state.dirtyUsers.insert(user)
        }
    }

    /// The user's sync key for super group `groupID` (0 if none); from memory, at once.
    package func groupSyncKey(
        _ user: UserKey,
        groupID: Int64,
        completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void
    ) {
        completion(.success(state.withLock { $0.groupSyncKeys[GroupMemberKey(user: user, groupID: groupID)] ?? 0 }))
    }

    /// Raises the user's sync key for super group `groupID` to `key` (a smaller or equal key is ignored);
    /// written by `flush()`.
    package func setGroupSyncKeyIfLarger(_ user: UserKey, groupID: Int64, _ key: Int64) {
        let member = GroupMemberKey(user: user, groupID: groupID)
        state.withLock { state in
            guard key > state.groupSyncKeys[member] ?? 0 else { return }
            state.groupSyncKeys[member] = key
            state.dirtyGroupSyncKeys.insert(member)
        }
    }

    /// Records the badge count the user's client reported; written by `flush()`.
    package func setUnreadCount(_ user: UserKey, _ count: Int32) {
        state.withLock { state in
            guard state.users[user]?.unread ?? 0 != count else { return }
            state.users[user, default: UserRecord()].unread = count
            state.dirtyUsers.insert(user)
        }
    }

    /// The last badge count the user's client reported (0 if none); from memory.
    package func unreadCount(_ user: UserKey) -> Int32 {
        state.withLock { $0.users[user]?.unread ?? 0 }
    }

    // MARK: Preferences

    /// The user's preferences (defaults if never set); from memory, at once.
    package func preferences(
        _ user: UserKey,
        completion: @escaping @Sendable (Result<UserPreferences, DirectoryError>) -> Void
    ) {
        completion(.success(state.withLock { $0.users[user]?.preferences ?? UserPreferences() }))
    }

    /// Sets the user's preferences; committed before this returns.
    package func setPreferences(_ user: UserKey, _ preferences: UserPreferences) async throws {
        try await writeDurably("set preferences of \(user)") { db in
            try db.execute(
                sql: """
                    INSERT INTO users (appid, uid, forbidden, notification_on) VALUES (?, ?, ?, ?)
                    ON CONFLICT (appid, uid) DO UPDATE
                    SET forbidden = excluded.forbidden, notification_on = excluded.notification_on
                    """,
                arguments: [user.appID, user.uid, preferences.forbidden, preferences.notificationOn]
            )
        } then: { state, _ in
            state.users[user, default: UserRecord()].preferences = preferences
        }
    }

    // MARK: Durable writes

    /// Commits `update` in its own transaction, then applies `apply` to memory.
    ///
    /// Memory changes after the commit (so a failed write leaves no trace) but still on GRDB's serial
    /// writer, so two racing admin writes reach memory in the order they reached the file.
    func writeDurably<T: Sendable>(
        _ what: String,
        _ update: @escaping @Sendable (Database) throws -> T,
        then apply: @escaping @Sendable (inout State, T) -> Void
    ) async throws -> T {
        try checkOpen()
        do {
            return try await database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction {
                    result = try update(db)
                    return .commit
                }
                self.state.withLock { apply(&$0, result!) }
                return result!
            }
        } catch let error as DirectoryError {
            throw error
        } catch {
            throw DirectoryError(.failed, "\(what) in \(path): \(error)")
        }
    }

    /// Throws `.closed` once `close()` has begun.
    func checkOpen() throws {
        if state.withLock({ $0.closed }) {
            throw DirectoryError(.closed, "the directory \(path) is closed")
        }
    }
}
