import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import IMCore
import IMTestSupport

/// The `Directory` contract, checked through the port alone against every adapter.
@Suite("Directory conformance")
struct DirectoryConformanceTests {
    static let alice = UserKey(appID: 7, uid: 1)
    static let bob = UserKey(appID: 7, uid: 2)

    @Test(arguments: DirectoryAdapter.all)
    func tokensLookUpUntilRevokedOrExpired(adapter: DirectoryAdapter) async throws {
        try await adapter.with { directory in
            let forever = try await directory.issueToken(appID: 7, uid: 1, ttl: nil, now: 1_000)
            let brief = try await directory.issueToken(appID: 7, uid: 2, ttl: 60, now: 1_000)
            #expect(forever != brief)
            #expect(try await directory.lookupToken(forever, now: 5_000) == TokenGrant(appID: 7, uid: 1, expiresAt: nil))
            #expect(try await directory.lookupToken(brief, now: 1_059) == TokenGrant(appID: 7, uid: 2, expiresAt: 1_060))
            #expect(try await directory.lookupToken(brief, now: 1_060) == nil)
            #expect(try await directory.lookupToken("not-a-token", now: 1_000) == nil)
            #expect(try await directory.revokeToken(forever))
            #expect(try await directory.revokeToken(forever) == false)
            #expect(try await directory.lookupToken(forever, now: 1_000) == nil)
            let error = await #expect(throws: DirectoryError.self) {
                try await directory.issueToken(appID: 7, uid: 1, ttl: 0, now: 1_000)
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test(arguments: DirectoryAdapter.all)
    func deviceIDsAreStableDistinctAndZeroForTheWeb(adapter: DirectoryAdapter) async throws {
        try await adapter.with { directory in
            #expect(try await directory.deviceID(for: "browser-tab", platform: 3) == 0)
            #expect(try await directory.deviceID(for: "", platform: 1) == 0)
            let phone = try await directory.deviceID(for: "phone", platform: 1)
            let android = try await directory.deviceID(for: "phone", platform: 2)
            #expect(phone > 0 && android > 0 && phone != android)
            #expect(try await directory.deviceID(for: "phone", platform: 1) == phone)
            let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for task in 0..<4 {
                    group.addTask {
                        var ids: [Int64] = []
                        for n in 0..<50 { ids.append(try await directory.deviceID(for: "d\(task)-\(n)", platform: 1)) }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(Set(ids).count == 200)
        }
    }

    @Test(arguments: DirectoryAdapter.all)
    func syncKeysOnlyGrow(adapter: DirectoryAdapter) async throws {
        try await adapter.with { directory in
            #expect(try await directory.syncKey(Self.alice) == 0)
            directory.setSyncKeyIfLarger(Self.alice, 20)
            directory.setSyncKeyIfLarger(Self.alice, 10)
            #expect(try await directory.syncKey(Self.alice) == 20)
            directory.setGroupSyncKeyIfLarger(Self.alice, groupID: 100, 50)
            directory.setGroupSyncKeyIfLarger(Self.alice, groupID: 100, 40)
            #expect(try await directory.groupSyncKey(Self.alice, groupID: 100) == 50)
            #expect(try await directory.groupSyncKey(Self.alice, groupID: 200) == 0)
            #expect(try await directory.groupSyncKey(Self.bob, groupID: 100) == 0)
            try await directory.flush()
            #expect(try await directory.syncKey(Self.alice) == 20)
        }
    }

    @Test(arguments: DirectoryAdapter.all)
    func preferencesAreVisibleWhenSetReturns(adapter: DirectoryAdapter) async throws {
        try await adapter.with { directory in
            #expect(try await directory.preferences(Self.alice) == UserPreferences())
            try await directory.setPreferences(Self.alice, UserPreferences(forbidden: true))
            #expect(try await directory.preferences(Self.alice) == UserPreferences(forbidden: true))
            #expect(try await directory.preferences(Self.bob) == UserPreferences())
        }
    }

    @Test(arguments: DirectoryAdapter.all)
    func groupsAndMembersThroughTheirWholeLife(adapter: DirectoryAdapter) async throws {
        try await adapter.with { directory in
            let members = [GroupMember(uid: 1, joinedAt: 10), GroupMember(uid: 2, joinedAt: 10)]
            let id = try await directory.createGroup(
                GroupInfo(id: 0, appID: 7, name: "g", master: 1, isSuper: false, members: Dictionary(uniqueKeysWithValues: members.map { ($0.uid, $0) }))
            )
            #expect(id > 0)
            let taken = await #expect(throws: DirectoryError.self) {
                try await directory.createGroup(GroupInfo(id: id, appID: 7, master: 1, isSuper: false, members: [:]))
            }
            #expect(taken?.code == .conflict)
            #expect(try await directory.group(id)?.memberIDs == [1, 2])
            #expect(try await directory.addMembers(id, [GroupMember(uid: 2, joinedAt: 99), GroupMember(uid: 3, joinedAt: 20)]) == [3])
            #expect(try await directory.group(id)?.members[2]?.joinedAt == 10, "a member keeps its join time")
            try await directory.updateMember(id, uid: 3, MemberChange(nickname: "c", muted: true))
            #expect(try await directory.group(id)?.members[3] == GroupMember(uid: 3, joinedAt: 20, nickname: "c", muted: true))
            try await directory.updateGroup(id, GroupChange(name: "renamed", notice: "hi"))
            #expect(try await directory.group(id)?.name == "renamed")
            #expect(try await directory.removeMembers(id, [1, 9]) == [1])
            #expect(try await directory.upgradeGroup(id))
            #expect(try await directory.upgradeGroup(id) == false)
            #expect(try await directory.group(id)?.isSuper == true)
            #expect(try await directory.groups(appID: 7).map(\.id) == [id])
            #expect(try await directory.groups(appID: 8).isEmpty)
            #expect(try await directory.groupCount() == 1)
            #expect(try await directory.disbandGroup(id))
            #expect(try await directory.group(id) == nil)
            let missing = await #expect(throws: DirectoryError.self) { try await directory.updateGroup(id, GroupChange(name: "x")) }
            #expect(missing?.code == .notFound)
            let next = try await directory.createGroup(GroupInfo(id: 0, appID: 7, master: 1, isSuper: false, members: [:]))
            #expect(next > id, "a server-picked id is never reused")
        }
    }

    @Test(arguments: DirectoryAdapter.all)
    func friendsAndBlacklistsMakeTheRelationship(adapter: DirectoryAdapter) async throws {
        try await adapter.with { directory in
            #expect(try await directory.relationship(appID: 7, uid: 1, other: 2) == [])
            let added = try await directory.setRelation(.friends, appID: 7, uid: 1, other: 2, present: true)
            let again = try await directory.setRelation(.friends, appID: 7, uid: 1, other: 2, present: true)
            let blacklisted = try await directory.setRelation(.blacklist, appID: 7, uid: 2, other: 1, present: true)
            #expect(added && !again && blacklisted)
            #expect(try await directory.relationship(appID: 7, uid: 1, other: 2) == [.isMyFriend, .inYourBlacklist])
            #expect(try await directory.relationship(appID: 7, uid: 2, other: 1) == [.isYourFriend, .inMyBlacklist])
            #expect(try await directory.relations(.friends, appID: 7, uid: 1) == [2])
            let removed = try await directory.setRelation(.friends, appID: 7, uid: 1, other: 2, present: false)
            #expect(removed)
            #expect(try await directory.relations(.friends, appID: 7, uid: 1).isEmpty)
        }
    }

    @Test(arguments: DirectoryAdapter.all)
    func whatWasWrittenSurvivesARestart(adapter: DirectoryAdapter) async throws {
        let token = Mutex("")
        try await adapter.withRestart { directory in
            let issued = try await directory.issueToken(appID: 7, uid: 1, ttl: nil, now: 1)
            token.withLock { $0 = issued }
            directory.setSyncKeyIfLarger(Self.alice, 33)
            try await directory.setPreferences(Self.bob, UserPreferences(notificationOn: true))
            _ = try await directory.deviceID(for: "kept", platform: 1)
        } reopened: { directory in
            let grant = try await directory.lookupToken(token.withLock { $0 }, now: 2)
            let syncKey = try await directory.syncKey(Self.alice)
            let preferences = try await directory.preferences(Self.bob)
            #expect(grant != nil)
            #expect(syncKey == 33)
            #expect(preferences.notificationOn)
        }
    }

    @Test(arguments: DirectoryAdapter.all)
    func afterShutdownAdminWritesFailAsClosed(adapter: DirectoryAdapter) async throws {
        try await adapter.with { _ in } after: { directory in
            let error = await #expect(throws: DirectoryError.self) {
                try await directory.issueToken(appID: 7, uid: 1, ttl: nil, now: 1)
            }
            #expect(error?.code == .closed)
        }
    }
}

/// A way to open a `Directory` for the conformance suite (again, on the same data, for a restart).
struct DirectoryAdapter: Sendable, CustomTestStringConvertible {
    var name: String
    /// Runs `body` with a place for the directory's data (a temporary directory, or a new database).
    var withData: @Sendable (_ body: (DirectoryData) async throws -> Void) async throws -> Void
    /// Opens a directory on the data, with the services it needs running (itself last).
    var open: @Sendable (DirectoryData) async throws -> (any Directory, [any Service])

    var testDescription: String { name }

    static let all: [DirectoryAdapter] =
        [
            DirectoryAdapter(name: "SQLiteDirectory") { body in
                let data = TemporaryDirectory()
                defer { data.remove() }
                try await body(DirectoryData(directory: data, postgresURL: nil))
            } open: { data in
                var logger = Logger(label: "conformance")
                logger.logLevel = .warning
                let directory = try SQLiteDirectory(path: data.directory.file("directory.sqlite"), logger: logger)
                return (directory, [directory])
            }
        ] + (TestPostgres.enabled ? [postgres] : [])

    /// `PostgresDirectory` on a new database of the test server.
    static let postgres = DirectoryAdapter(name: "PostgresDirectory") { body in
        let data = TemporaryDirectory()
        defer { data.remove() }
        try await TestPostgres.withDatabase { url in try await body(DirectoryData(directory: data, postgresURL: url)) }
    } open: { data in
        let (database, _) = try await openPostgresStore(url: data.postgresURL!)
        let directory = PostgresDirectory(database: database)
        return (directory, [database, directory])
    }

    /// Opens a directory, runs it as a service while `body` uses it, and shuts it down gracefully; then
    /// `after` gets the closed directory.
    func with(
        _ body: (any Directory) async throws -> Void,
        after: (any Directory) async throws -> Void = { _ in }
    ) async throws {
        try await withData { data in
            let (directory, services) = try await open(data)
            try await running(services) { try await body(directory) }
            try await after(directory)
        }
    }

    /// As `with`, then `reopened` gets a new directory on the same data (a restart).
    func withRestart(
        _ body: (any Directory) async throws -> Void,
        reopened: (any Directory) async throws -> Void
    ) async throws {
        try await withData { data in
            let (directory, services) = try await open(data)
            try await running(services) { try await body(directory) }
            let (again, servicesAgain) = try await open(data)
            try await running(servicesAgain) { try await reopened(again) }
        }
    }

    private func running(_ services: [any Service], _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(services: services, logger: .init(label: "conformance"))
        let task = Task { try await group.run() }
        let result = await Result { try await body() }
        await group.triggerGracefulShutdown()
        try await task.value
        try result.get()
    }
}

/// Where a conformance directory keeps its data.
struct DirectoryData: Sendable {
    var directory: TemporaryDirectory
    var postgresURL: String?
}
