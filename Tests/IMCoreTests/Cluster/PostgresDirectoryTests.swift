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
}
