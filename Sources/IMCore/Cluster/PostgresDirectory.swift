import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// `Directory` on the cluster's database (schema 2 in `PostgresSchema`), shared by every node.
///
/// - Tokens are looked up in the database at each login, so a revocation on any node takes effect at
///   once everywhere. Device ids come from the database's identity column and are kept in memory once
///   known (a device's id never changes).
/// - Groups, relationships and preferences, read on the message path, are answered from a cache that a
///   write through any node clears at once (here directly, elsewhere through `NOTIFY im_directory` and
///   the node's `PostgresListener`: `PostgresDirectory+Changes`) and that expires after `cacheLifetime`
///   as a backstop.
/// - Sync keys and unread counts change memory at once and are written in batches every 100 ms (and by
///   `flush()`), keys only ever growing.
final class PostgresDirectory: Directory, Sendable {
    /// How long a cached group, relationship or preference is used before it is read again: the backstop
    /// of the change notifications.
    static let cacheLifetime: Duration = .seconds(2)

    struct SyncKeyRow: Hashable, Sendable, Comparable {
        var appID: Int64
        var uid: Int64
        /// 0 for the personal sync key.
        var groupID: Int64

        static func < (a: SyncKeyRow, b: SyncKeyRow) -> Bool {
            (a.appID, a.uid, a.groupID) < (b.appID, b.uid, b.groupID)
        }
    }

    struct RelationPair: Hashable, Sendable {
        var appID: Int64
        var uid: Int64
        var other: Int64
    }

    struct Pending {
        var syncKeys: [SyncKeyRow: Int64] = [:]
        var unread: [UserKey: Int32] = [:]
        var isEmpty: Bool { syncKeys.isEmpty && unread.isEmpty }
    }

    struct State {
        /// Changes not yet written, and those a flush is writing now (reads see both).
        var pending = Pending()
        var writing = Pending()
        var devices: [DeviceKey: Int64] = [:]
        var closed = false
    }

    struct DeviceKey: Hashable, Sendable {
        var device: String
        var platform: UInt8
    }

    let database: PostgresDatabase
    let state = TracedMutex(State())
    let groups: ExpiringCache<Int64, GroupInfo?>
    let relationships: ExpiringCache<RelationPair, Relationship>
    let preferenceCache: ExpiringCache<UserKey, UserPreferences>
    /// One flush at a time (the timer's and `flush()`'s).
    let flushing = AsyncLock()

    init(database: PostgresDatabase, cacheLifetime: Duration = cacheLifetime) {
        self.database = database
        groups = ExpiringCache(lifetime: cacheLifetime)
        relationships = ExpiringCache(lifetime: cacheLifetime)
        preferenceCache = ExpiringCache(lifetime: cacheLifetime)
    }

    var logger: Logger { database.logger }

    // MARK: Tokens

    func lookupToken(
        _ token: String,
        now: Int64,
        completion: @escaping @Sendable (Result<TokenGrant?, DirectoryError>) -> Void
    ) {
        let hash = ByteBuffer(data: DirectoryToken.hash(token))
        answer(completion) {
            let rows = try await self.database.client.query(
                "SELECT appid, uid, expires_at FROM tokens WHERE hash = \(hash)",
                logger: self.logger
            )
            for try await (appID, uid, expiresAt) in rows.decode((Int64, Int64, Int64?).self) {
                if let expiresAt, expiresAt <= now { return nil }
                return TokenGrant(appID: appID, uid: uid, expiresAt: expiresAt)
            }
            return nil
        }
    }

    func issueToken(appID: Int64, uid: Int64, ttl: Int64?, now: Int64) async throws -> String {
        let expiresAt = try DirectoryToken.expiry(ttl: ttl, now: now)
        let token = DirectoryToken.generate()
        let hash = ByteBuffer(data: DirectoryToken.hash(token))
        try await write("issue a token for \(appID)/\(uid)") {
            try await self.database.client.query(
                """
                INSERT INTO tokens (hash, appid, uid, issued_at, expires_at)
                VALUES (\(hash), \(appID), \(uid), \(now), \(expiresAt))
                """,
                logger: self.logger
            )
        }
        return token
    }

    func revokeToken(_ token: String) async throws -> Bool {
        let hash = ByteBuffer(data: DirectoryToken.hash(token))
        return try await write("revoke a token") {
            try await self.exists(
                self.database.client.query("DELETE FROM tokens WHERE hash = \(hash) RETURNING 1", logger: self.logger)
            )
        }
    }

    // MARK: Devices

    func deviceID(
        for device: String,
        platform: UInt8,
        completion: @escaping @Sendable (Result<Int64, DirectoryError>) -> Void
    ) {
        if platform == IMAuthToken.Platform.web.rawValue || device.isEmpty { return completion(.success(0)) }
        let key = DeviceKey(device: device, platform: platform)
        if let known = state.withLock({ $0.devices[key] }) { return completion(.success(known)) }
        answer(completion) {
            // DO UPDATE (not DO NOTHING) so that the row comes back whoever inserted it first.
            let rows = try await self.database.client.query(
                """
                INSERT INTO devices (device, platform) VALUES (\(device), \(Int16(platform)))
                ON CONFLICT (device, platform) DO UPDATE SET device = EXCLUDED.device
                RETURNING id
                """,
                logger: self.logger
            )
            var id: Int64 = 0
            for try await value in rows.decode(Int64.self) { id = value }
            self.state.withLock { $0.devices[key] = id }
            return id
        }
    }

    // MARK: Preferences

    func preferences(_ user: UserKey, completion: @escaping @Sendable (Result<UserPreferences, DirectoryError>) -> Void)
    {
        if let cached = preferenceCache.lookup(user).value { return completion(.success(cached)) }
        answer(completion) {
            try await self.preferenceCache.value(user) {
                let rows = try await self.database.client.query(
                    "SELECT forbidden, notification_on FROM preferences WHERE appid = \(user.appID) AND uid = \(user.uid)",
                    logger: self.logger
                )
                var preferences = UserPreferences()
                for try await (forbidden, notificationOn) in rows.decode((Bool, Bool).self) {
                    preferences = UserPreferences(forbidden: forbidden, notificationOn: notificationOn)
                }
                return preferences
            }
        }
    }

    func setPreferences(_ user: UserKey, _ preferences: UserPreferences) async throws {
        try await write("set preferences of \(user)") {
            try await self.database.client.query(
                """
                INSERT INTO preferences (appid, uid, forbidden, notification_on)
                VALUES (\(user.appID), \(user.uid), \(preferences.forbidden), \(preferences.notificationOn))
                ON CONFLICT (appid, uid) DO UPDATE
                SET forbidden = EXCLUDED.forbidden, notification_on = EXCLUDED.notification_on
                """,
                logger: self.logger
            )
        }
        changed(.preferences(user))
    }

    // MARK: Helpers

    /// Runs a read within `postgres_timeout` and completes with its value or a `DirectoryError`.
    func answer<Value: Sendable>(
        _ completion: @escaping @Sendable (Result<Value, DirectoryError>) -> Void,
        _ body: @escaping @Sendable () async throws -> Value
    ) {
        if state.withLock({ $0.closed }) {
            return completion(.failure(DirectoryError(.closed, "the directory is closed")))
        }
        database.run("a directory read", body) { completion($0.mapError(Self.wrap)) }
    }

    /// Runs an administrative write within `postgres_timeout`; errors become `DirectoryError`s naming it.
    func write<Value: Sendable>(
        _ what: String,
        timeout: Duration? = nil,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        if state.withLock({ $0.closed }) { throw DirectoryError(.closed, "the directory is closed") }
        do {
            return try await database.withinTimeout(what, timeout: timeout, body)
        } catch {
            if let refusal = PostgresDatabase.cause(of: error) as? DirectoryError { throw refusal }
            throw DirectoryError(.failed, "\(what): \(PostgresDatabase.describe(error))")
        }
    }

    /// Whether a statement returned any row.
    func exists(_ rows: PostgresRowSequence) async throws -> Bool {
        var found = false
        for try await _ in rows { found = true }
        return found
    }

    static func wrap(_ error: any Error) -> DirectoryError {
        error as? DirectoryError ?? DirectoryError(.failed, "PostgreSQL: \(PostgresDatabase.describe(error))")
    }
}
