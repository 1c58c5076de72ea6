import Foundation
import GRDB
import Logging
import Testing

@testable import IMCore

@Suite("SQLiteDirectory")
struct SQLiteDirectoryTests {
    let alice = UserKey(appID: 7, uid: 1)
    let bob = UserKey(appID: 7, uid: 2)
    let aliceInAnotherApp = UserKey(appID: 8, uid: 1)

    // MARK: Tokens

    @Test func issuedTokenLooksUpUntilRevoked() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try openDirectory(directory)
        defer { try? store.closeNow() }

        let token = try await store.issueToken(appID: 7, uid: 1, ttl: nil, now: 1_000)
        let other = try await store.issueToken(appID: 7, uid: 2, ttl: nil, now: 1_000)
        #expect(token.count == 43)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(token != other)
        #expect(try await store.lookupToken(token, now: 1_000) == TokenGrant(appID: 7, uid: 1, expiresAt: nil))
        #expect(try await store.lookupToken(other, now: 1_000) == TokenGrant(appID: 7, uid: 2, expiresAt: nil))
        #expect(try await store.lookupToken("not-a-token", now: 1_000) == nil)
        #expect(try await store.lookupToken("", now: 1_000) == nil)

        #expect(try await store.revokeToken(token) == true)
        #expect(try await store.lookupToken(token, now: 1_000) == nil)
        #expect(try await store.revokeToken(token) == false)
        #expect(try await store.lookupToken(other, now: 1_000) != nil)
    }

    @Test func tokenExpiresAtIssuePlusTTL() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try openDirectory(directory)
        defer { try? store.closeNow() }

        let token = try await store.issueToken(appID: 7, uid: 1, ttl: 60, now: 1_000)
        #expect(try await store.lookupToken(token, now: 1_000) == TokenGrant(appID: 7, uid: 1, expiresAt: 1_060))
        #expect(try await store.lookupToken(token, now: 1_059) != nil)
        #expect(try await store.lookupToken(token, now: 1_060) == nil)
        #expect(try await store.lookupToken(token, now: 5_000) == nil)
        // An expired token can still be revoked (it is still stored).
        #expect(try await store.revokeToken(token) == true)

        let forever = try await store.issueToken(appID: 7, uid: 1, ttl: nil, now: 1_000)
        #expect(try await store.lookupToken(forever, now: .max) != nil)
        let huge = try await store.issueToken(appID: 7, uid: 1, ttl: .max, now: 1_000)
        #expect(try await store.lookupToken(huge, now: 1_000)?.expiresAt == .max)
    }

    @Test(arguments: [0, -1] as [Int64])
    func nonPositiveTTLIsRefused(ttl: Int64) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try openDirectory(directory)
        defer { try? store.closeNow() }

        let error = await #expect(throws: DirectoryError.self) {
            try await store.issueToken(appID: 7, uid: 1, ttl: ttl, now: 1_000)
        }
        #expect(error?.code == .invalidArgument)
        #expect(try rowCount(directory, "tokens") == 0)
    }

    @Test func tokensSurviveReopenAndAreStoredHashed() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var store = try openDirectory(directory)
        let token = try await store.issueToken(appID: 7, uid: 1, ttl: 3_600, now: 1_000)
        let revoked = try await store.issueToken(appID: 7, uid: 2, ttl: nil, now: 1_000)
        #expect(try await store.revokeToken(revoked))

        // Durable before close: another connection sees the row at once.
        let hash = DirectoryToken.hash(token)
        let rows = try withDatabase(directory) { db in
            try Row.fetchAll(db, sql: "SELECT hash, appid, uid, issued_at, expires_at FROM tokens")
        }
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row["hash"] as Data == hash)
        #expect(hash.count == 32)
        #expect(row["appid"] as Int64 == 7 && row["uid"] as Int64 == 1)
        #expect(row["issued_at"] as Int64 == 1_000 && row["expires_at"] as Int64? == 4_600)
        try await store.close()

        // Neither the token nor its base64 bytes appear in any file the directory wrote.
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.file(file)))
            #expect(bytes.range(of: Data(token.utf8)) == nil, "token in \(file)")
        }

        store = try openDirectory(directory)
        defer { try? store.closeNow() }
        #expect(try await store.lookupToken(token, now: 2_000) == TokenGrant(appID: 7, uid: 1, expiresAt: 4_600))
        #expect(try await store.lookupToken(revoked, now: 2_000) == nil)
    }

    // MARK: Devices

    @Test func webClientsAndEmptyDevicesGetZero() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try openDirectory(directory)
        defer { try? store.closeNow() }

        #expect(try await store.deviceID(for: "browser-tab", platform: 3) == 0)
        #expect(try await store.deviceID(for: "", platform: 1) == 0)
        #expect(try await store.deviceID(for: "", platform: 2) == 0)
        try await store.flush()
        #expect(try rowCount(directory, "devices") == 0)
    }

    @Test func deviceIDsAreStableAcrossReopen() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var store = try openDirectory(directory)
        let phone = try await store.deviceID(for: "phone-1", platform: 1)
        let android = try await store.deviceID(for: "phone-1", platform: 2)
        let tablet = try await store.deviceID(for: "tablet", platform: 1)
        #expect([phone, android, tablet] == [1, 2, 3])
        #expect(try await store.deviceID(for: "phone-1", platform: 1) == phone)

        // Assigned in memory; written by flush.
        #expect(try rowCount(directory, "devices") == 0)
        try await store.flush()
        #expect(try rowCount(directory, "devices") == 3)
        let desktop = try await store.deviceID(for: "desktop", platform: 4)
        #expect(desktop == 4)
        // close() flushes the last one.
        try await store.close()

        store = try openDirectory(directory)
        defer { try? store.closeNow() }
        #expect(try await store.deviceID(for: "phone-1", platform: 1) == phone)
        #expect(try await store.deviceID(for: "phone-1", platform: 2) == android)
        #expect(try await store.deviceID(for: "tablet", platform: 1) == tablet)
        #expect(try await store.deviceID(for: "desktop", platform: 4) == desktop)
        #expect(try await store.deviceID(for: "new", platform: 1) == 5)
    }

    @Test func concurrentDeviceIDsAreDistinct() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try openDirectory(directory)
        defer { try? store.closeNow() }

        let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var ids: [Int64] = []
                    for number in 0..<200 { ids.append(try await store.deviceID(for: "d\(task)-\(number % 100)", platform: 1)) }
                    return ids
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        #expect(Set(ids).count == 800)
        #expect(Set(ids) == Set(1...800))
        try await store.flush()
        #expect(try rowCount(directory, "devices") == 800)
    }

    // MARK: Sync keys

    @Test func syncKeysOnlyGrowAndSurviveFlushAndReopen() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var store = try openDirectory(directory)
        #expect(try await store.syncKey(alice) == 0)
        store.setSyncKeyIfLarger(alice, 10)
        store.setSyncKeyIfLarger(alice, 5)
        #expect(try await store.syncKey(alice) == 10)
        store.setSyncKeyIfLarger(alice, 20)
        store.setSyncKeyIfLarger(bob, 3)
        #expect(try await store.syncKey(alice) == 20)
        #expect(try await store.syncKey(bob) == 3)
        #expect(try await store.syncKey(aliceInAnotherApp) == 0)

        try await store.flush()
        let stored = try withDatabase(directory) { db in
            try Int64.fetchOne(db, sql: "SELECT sync_key FROM users WHERE appid = 7 AND uid = 1")
        }
        #expect(stored == 20)
        store.setSyncKeyIfLarger(alice, 15)
        store.setSyncKeyIfLarger(bob, 30)
        try await store.flush()
        try await store.close()

        store = try openDirectory(directory)
        defer { try? store.closeNow() }
        #expect(try await store.syncKey(alice) == 20)
        #expect(try await store.syncKey(bob) == 30)
        store.setSyncKeyIfLarger(alice, 19)
        #expect(try await store.syncKey(alice) == 20)
    }

    @Test func groupSyncKeysArePerUserAndGroup() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var store = try openDirectory(directory)
        store.setGroupSyncKeyIfLarger(alice, groupID: 100, 50)
        store.setGroupSyncKeyIfLarger(alice, groupID: 100, 40)
        store.setGroupSyncKeyIfLarger(alice, groupID: 200, 7)
        store.setGroupSyncKeyIfLarger(bob, groupID: 100, 60)
        #expect(try await store.groupSyncKey(alice, groupID: 100) == 50)
        #expect(try await store.groupSyncKey(alice, groupID: 200) == 7)
        #expect(try await store.groupSyncKey(bob, groupID: 100) == 60)
        #expect(try await store.groupSyncKey(bob, groupID: 200) == 0)
        #expect(try await store.groupSyncKey(aliceInAnotherApp, groupID: 100) == 0)
        // Group keys are not the personal key.
        #expect(try await store.syncKey(alice) == 0)
        try await store.close()

        store = try openDirectory(directory)
        defer { try? store.closeNow() }
        #expect(try rowCount(directory, "group_sync_keys") == 3)
        #expect(try await store.groupSyncKey(alice, groupID: 100) == 50)
        #expect(try await store.groupSyncKey(alice, groupID: 200) == 7)
        #expect(try await store.groupSyncKey(bob, groupID: 100) == 60)
        store.setGroupSyncKeyIfLarger(alice, groupID: 100, 49)
        #expect(try await store.groupSyncKey(alice, groupID: 100) == 50)
    }

    // MARK: Preferences and unread counts

    @Test func preferencesAreDurableWhenSetReturns() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var store = try openDirectory(directory)
        #expect(try await store.preferences(alice) == UserPreferences())
        store.setSyncKeyIfLarger(alice, 42)
        try await store.flush()

        try await store.setPreferences(alice, UserPreferences(forbidden: true, notificationOn: false))
        try await store.setPreferences(bob, UserPreferences(forbidden: false, notificationOn: true))
        #expect(try await store.preferences(alice) == UserPreferences(forbidden: true, notificationOn: false))
        #expect(try await store.preferences(bob) == UserPreferences(forbidden: false, notificationOn: true))
        #expect(try await store.preferences(aliceInAnotherApp) == UserPreferences())

        // Committed without a flush, and without touching the sync key stored beside them.
        let row = try #require(
            try withDatabase(directory) { db in
                try Row.fetchOne(db, sql: "SELECT * FROM users WHERE appid = 7 AND uid = 1")
            }
        )
        #expect(row["forbidden"] as Bool == true && row["notification_on"] as Bool == false)
        #expect(row["sync_key"] as Int64 == 42)
        try await store.close()

        store = try openDirectory(directory)
        defer { try? store.closeNow() }
        #expect(try await store.preferences(alice) == UserPreferences(forbidden: true, notificationOn: false))
        #expect(try await store.preferences(bob) == UserPreferences(forbidden: false, notificationOn: true))
        #expect(try await store.syncKey(alice) == 42)
        try await store.setPreferences(alice, UserPreferences())
        #expect(try await store.preferences(alice) == UserPreferences())
    }

    @Test func unreadCountsAreFlushedAndSurviveReopen() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var store = try openDirectory(directory)
        #expect(store.unreadCount(alice) == 0)
        store.setUnreadCount(alice, 3)
        store.setUnreadCount(bob, 9)
        store.setSyncKeyIfLarger(bob, 77)
        #expect(store.unreadCount(alice) == 3)
        try await store.setPreferences(bob, UserPreferences(forbidden: true))
        try await store.flush()
        // Unlike sync keys, a badge count can go down.
        store.setUnreadCount(bob, 0)
        try await store.close()

        store = try openDirectory(directory)
        defer { try? store.closeNow() }
        #expect(store.unreadCount(alice) == 3)
        #expect(store.unreadCount(bob) == 0)
        #expect(try await store.syncKey(bob) == 77)
        #expect(try await store.preferences(bob).forbidden)
    }

    // MARK: Schema and lifecycle

    @Test func migrationsRunOnceOnAnExistingV1File() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // A file as a v1 build left it, written without the directory.
        let queue = try DatabaseQueue(path: directory.file("directory.sqlite"))
        try SQLiteDirectory.migrator.migrate(queue)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO devices (id, device, platform) VALUES (9, 'old-phone', 1)")
            try db.execute(sql: "INSERT INTO users (appid, uid, sync_key, unread) VALUES (7, 1, 500, 2)")
            try db.execute(sql: "INSERT INTO group_sync_keys (appid, uid, gid, sync_key) VALUES (7, 1, 100, 600)")
        }
        try queue.close()

        for _ in 0..<2 {
            let store = try openDirectory(directory)
            #expect(try await store.deviceID(for: "old-phone", platform: 1) == 9)
            #expect(try await store.syncKey(alice) == 500)
            #expect(store.unreadCount(alice) == 2)
            #expect(try await store.groupSyncKey(alice, groupID: 100) == 600)
            try await store.close()
        }
        let store = try openDirectory(directory)
        #expect(try await store.deviceID(for: "new-phone", platform: 1) == 10)
        try await store.close()

        let applied = try withDatabase(directory) { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(
            applied == ["v1-devices", "v1-group-sync-keys", "v1-tokens", "v1-users", "v2-groups", "v2-relations"],
            "the v1 rows are kept and the later migrations applied once"
        )
        let journalMode = try withDatabase(directory) { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
    }

    @Test func fileFromANewerBuildIsRefused() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await openDirectory(directory).close()
        try withDatabase(directory) { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        }

        let error = #expect(throws: DirectoryError.self) { try openDirectory(directory) }
        #expect(error?.code == .unsupportedFormat)
        #expect(error?.message.contains("v9-from-the-future") == true)
    }

    @Test func unopenableFileThrowsIO() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: DirectoryError.self) {
            try SQLiteDirectory(path: directory.file("missing/directory.sqlite"), logger: quietLogger)
        }
        #expect(error?.code == .io)
    }

    @Test func closedDirectoryThrows() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try openDirectory(directory)
        let token = try await store.issueToken(appID: 7, uid: 1, ttl: nil, now: 1_000)
        try await store.close()
        // A second close does nothing.
        try await store.close()

        await #expect(throws: DirectoryError(.closed, "the directory \(directory.file("directory.sqlite")) is closed")) {
            try await store.flush()
        }
        let issue = await #expect(throws: DirectoryError.self) {
            try await store.issueToken(appID: 7, uid: 1, ttl: nil, now: 1_000)
        }
        #expect(issue?.code == .closed)
        let revoke = await #expect(throws: DirectoryError.self) { try await store.revokeToken(token) }
        #expect(revoke?.code == .closed)
        let preferences = await #expect(throws: DirectoryError.self) {
            try await store.setPreferences(alice, UserPreferences(forbidden: true))
        }
        #expect(preferences?.code == .closed)
    }

    // MARK: Support

    var quietLogger: Logger {
        var logger = Logger(label: "SQLiteDirectoryTests")
        logger.logLevel = .warning
        return logger
    }

    func openDirectory(_ directory: TemporaryDirectory) throws -> SQLiteDirectory {
        try SQLiteDirectory(path: directory.file("directory.sqlite"), logger: quietLogger)
    }

    /// Runs `body` on a second connection to the directory's file, as another process would see it.
    func withDatabase<T>(_ directory: TemporaryDirectory, _ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: directory.file("directory.sqlite"))
        defer { try? queue.close() }
        return try queue.writeWithoutTransaction(body)
    }

    func rowCount(_ directory: TemporaryDirectory, _ table: String) throws -> Int {
        try withDatabase(directory) { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}
