import IMTestSupport
import ServiceLifecycle
import Testing

@testable import IMCore

/// Two servers' directories on one database: what one writes, the other sees (tokens and revocations at
/// once; cached groups and relationships within `PostgresDirectory.cacheLifetime`), and ids that stay
/// unique across them.
@Suite("PostgreSQL directory across servers", .enabled(if: TestPostgres.enabled))
struct PostgresDirectoryTests {
    @Test func twoServersShareTokensDevicesGroupsAndSyncKeys() async throws {
        try await TestPostgres.withDatabase { url in
            let (databaseA, _) = try await openPostgresStore(url: url)
            let (databaseB, _) = try await openPostgresStore(url: url)
            let a = PostgresDirectory(database: databaseA)
            let b = PostgresDirectory(database: databaseB)
            let group = ServiceGroup(services: [databaseA, databaseB, a, b], logger: .init(label: "test"))
            let running = Task { try await group.run() }
            let result = await Result {
                let token = try await a.issueToken(appID: 7, uid: 1, ttl: nil, now: 1)
                #expect(try await b.lookupToken(token, now: 2) == TokenGrant(appID: 7, uid: 1, expiresAt: nil))
                #expect(try await b.revokeToken(token))
                #expect(try await a.lookupToken(token, now: 2) == nil, "a revocation takes effect at once everywhere")

                let ids = try await withThrowingTaskGroup(of: [Int64].self) { tasks in
                    for directory in [a, b] {
                        tasks.addTask {
                            var ids: [Int64] = []
                            for n in 0..<40 {
                                ids.append(try await directory.deviceID(for: "device-\(n)", platform: 1))
                            }
                            return ids
                        }
                    }
                    return try await tasks.reduce(into: []) { $0.append($1) }
                }
                #expect(ids[0] == ids[1], "one device, one id, whichever server asks")
                #expect(Set(ids[0]).count == 40)

                let gid = try await a.createGroup(GroupInfo(id: 0, appID: 7, master: 1, isSuper: false, members: [:]))
                let other = try await b.createGroup(GroupInfo(id: 0, appID: 7, master: 2, isSuper: false, members: [:]))
                #expect(gid != other)
                #expect(try await b.group(gid)?.memberIDs == [])
                _ = try await a.addMembers(gid, [GroupMember(uid: 5, joinedAt: 1)])
                try await eventually(timeout: .seconds(30), "server B sees the new member") {
                    try await b.group(gid)?.memberIDs == [5]
                }

                a.setSyncKeyIfLarger(UserKey(appID: 7, uid: 1), 42)
                try await a.flush()
                #expect(try await b.syncKey(UserKey(appID: 7, uid: 1)) == 42)
            }
            await group.triggerGracefulShutdown()
            try await running.value
            try result.get()
        }
    }

    /// Caches that would never expire: a change made on one server reaches the other only through its
    /// notification; and a listener whose connection is killed listens again and forgets what it cached.
    @Test func anAdminWriteOnOneServerClearsTheOthersCache() async throws {
        try await TestPostgres.withDatabase { url in
            let (databaseA, _) = try await openPostgresStore(url: url)
            let (databaseB, _) = try await openPostgresStore(url: url)
            let a = PostgresDirectory(database: databaseA, cacheLifetime: .seconds(3600))
            let b = PostgresDirectory(database: databaseB, cacheLifetime: .seconds(3600))
            let listenerA = PostgresListener(database: databaseA)
            let listenerB = PostgresListener(database: databaseB)
            a.listen(to: listenerA)
            b.listen(to: listenerB)
            let group = ServiceGroup(
                services: [databaseA, databaseB, listenerA, listenerB, a, b],
                logger: .init(label: "test")
            )
            let running = Task { try await group.run() }
            let result = await Result {
                try await eventually("both listen") { listenerA.figures.listening && listenerB.figures.listening }
                let gid = try await a.createGroup(GroupInfo(id: 0, appID: 7, master: 1, isSuper: false, members: [:]))
                #expect(try await b.group(gid)?.memberIDs == [], "cached by B from now on")
                _ = try await a.addMembers(gid, [GroupMember(uid: 5, joinedAt: 1)])
                try await eventually("B sees the new member") { try await b.group(gid)?.memberIDs == [5] }

                let alice = UserKey(appID: 7, uid: 1)
                #expect(try await b.relationship(appID: 7, uid: 1, other: 2) == [])
                #expect(try await a.setRelation(.blacklist, appID: 7, uid: 1, other: 2, present: true))
                try await eventually("B sees the blacklist") {
                    try await b.relationship(appID: 7, uid: 1, other: 2) == [.inMyBlacklist]
                }
                #expect(try await b.relationship(appID: 7, uid: 2, other: 1) == [.inYourBlacklist])

                #expect(try await b.preferences(alice) == UserPreferences())
                try await a.setPreferences(alice, UserPreferences(notificationOn: true))
                try await eventually("B sees the preference") {
                    try await b.preferences(alice) == UserPreferences(notificationOn: true)
                }

                // The LISTEN connections killed: B connects again and forgets its cache (a change made
                // meanwhile may have been missed).
                let connectionsBefore = listenerB.figures.connections
                _ = try await databaseA.withinTimeout("killing B's LISTEN connection") {
                    try await databaseA.client.query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(PostgresListener.applicationName) AND datname = current_database()",
                        logger: databaseA.logger
                    )
                }
                try await eventually("B listens again") {
                    listenerB.figures.connections > connectionsBefore && listenerB.figures.listening
                }
                _ = try await a.addMembers(gid, [GroupMember(uid: 6, joinedAt: 2)])
                try await eventually("B sees the next member") { try await b.group(gid)?.memberIDs == [5, 6] }
            }
            await group.triggerGracefulShutdown()
            try await running.value
            try result.get()
        }
    }
}
