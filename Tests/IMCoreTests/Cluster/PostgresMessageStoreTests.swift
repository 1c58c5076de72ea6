import Foundation
import IMTestSupport
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Testing

@testable import IMCore

/// What only the PostgreSQL store has to prove beyond the conformance suite: keys that no reader can
/// skip while several servers append to the same queues, and a schema migrated exactly once.
@Suite("PostgreSQL message store", .enabled(if: TestPostgres.enabled))
struct PostgresMessageStoreTests {
    static let bob = QueueID.personal(appID: 7, uid: 2)
    static let alice = QueueID.personal(appID: 7, uid: 1)
    static let room = QueueID.group(appID: 7, gid: 9)

    /// Two servers' stores append to the same queues while a third syncs from its last key: the reader
    /// ends with every entry of the queue, none skipped, none twice, in increasing order.
    @Test func readersSkipNothingWhileTwoServersAppend() async throws {
        try await TestPostgres.withDatabase { url in
            let stores = try await [
                openPostgresStore(url: url), openPostgresStore(url: url), openPostgresStore(url: url),
            ]
            let services: [any Service] = stores.flatMap { [$0.0, $0.1] as [any Service] }
            let group = ServiceGroup(services: services, logger: .init(label: "test"))
            let running = Task { try await group.run() }
            let writersPerServer = 3
            let perWriter = 120
            let total = 2 * writersPerServer * perWriter
            let result = await Result {
                try await withThrowingTaskGroup(of: [UInt64].self) { tasks in
                    for server in 0..<2 {
                        for writer in 0..<writersPerServer {
                            tasks.addTask {
                                for n in 0..<perWriter {
                                    let text = "s\(server)w\(writer)-\(n)"
                                    _ = try await stores[server].1.append(
                                        message(text),
                                        to: [Self.alice, Self.bob, Self.room]
                                    )
                                }
                                return []
                            }
                        }
                    }
                    tasks.addTask {
                        var key: UInt64 = 0
                        var seen: [UInt64] = []
                        while seen.count < total {
                            let page = try await stores[2].1.sync(Self.bob, after: key, limit: 25)
                            seen += page.messages.map(\.id)
                            key = page.lastID
                        }
                        return seen
                    }
                    return try await tasks.reduce(into: []) { $0 += $1 }
                }
            }
            await group.triggerGracefulShutdown()
            try await running.value
            let seen = try result.get()
            #expect(seen.count == total)
            #expect(Set(seen).count == total, "no entry read twice")
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 }, "keys read in increasing order")
        }
    }

    /// Servers starting at once on an empty database apply each migration exactly once; a later start
    /// finds the schema in place.
    @Test func serversStartingAtOnceMigrateOnce() async throws {
        try await TestPostgres.withDatabase { url in
            let databases = try await withThrowingTaskGroup(of: PostgresDatabase.self) { tasks in
                for _ in 0..<4 { tasks.addTask { try await openPostgresStore(url: url).0 } }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
            for database in databases { #expect(database.schemaVersion == PostgresSchema.version) }
            let rows = try await databases[0].client.query(
                "SELECT version, count(*) FROM schema_migrations GROUP BY version"
            )
            var versions: [Int: Int] = [:]
            for try await (version, count) in rows.decode((Int, Int).self) { versions[version] = count }
            #expect(versions == Dictionary(uniqueKeysWithValues: (1...PostgresSchema.version).map { ($0, 1) }))
            for database in databases { await database.close() }
        }
    }

    /// A database migrated by a newer imd is refused, naming both versions and `postgres_url`.
    @Test func aNewerSchemaIsRefused() async throws {
        try await TestPostgres.withDatabase { url in
            let database = try await openPostgresStore(url: url).0
            try await database.client.query(
                "INSERT INTO schema_migrations (version) VALUES (\(PostgresSchema.version + 5))"
            )
            await database.close()
            let error = await #expect(throws: IMServerError.self) { try await openPostgresStore(url: url) }
            let text = error?.description ?? ""
            #expect(text.contains("postgres_url"))
            #expect(text.contains("version \(PostgresSchema.version + 5)"))
            #expect(text.contains("\(PostgresSchema.version)"))
        }
    }

    /// An unreachable server and a wrong password are errors naming `postgres_url`, not hangs.
    @Test func anUnusableServerIsAClearError() async throws {
        let good = try PostgresEndpoint(url: try #require(TestPostgres.url))
        var wrongPassword = good
        wrongPassword.password = "not-the-password"
        var closed = good
        closed.port = closedPort()
        for endpoint in [wrongPassword, closed] {
            let error = await #expect(throws: IMServerError.self) {
                try await openPostgresStore(url: endpoint.url, timeout: .seconds(3))
            }
            #expect(error?.description.contains("postgres_url") == true)
        }
    }
}

@Suite("PostgreSQL configuration")
struct PostgresConfigurationTests {
    @Test func aURLIsReadAsLibpqSpellsIt() throws {
        let endpoint = try PostgresEndpoint(url: "postgresql://im:p%40ss@db.example.com:6432/chat?sslmode=require")
        #expect(endpoint.host == "db.example.com" && endpoint.port == 6432)
        #expect(endpoint.user == "im" && endpoint.password == "p@ss" && endpoint.database == "chat")
        #expect(endpoint.tls == .require)
        #expect(try PostgresEndpoint(url: "postgres://im@localhost/im").port == 5432)
        #expect(PostgresEndpoint.redacting("postgres://im:secret@h/im") == "postgres://im:<redacted>@h/im")
    }

    @Test(arguments: [
        "mysql://im:x@h/im", "postgres://im:x@/im", "postgres://h/im", "postgres://im:x@h/",
        "postgres://im:x@h/im?sslmode=maybe",
        "postgres://im:x@h/im?colour=blue", "not a url",
    ])
    func aBadURLNamesTheKey(url: String) {
        var configuration = IMServerConfiguration()
        configuration.postgres.url = url
        let error = #expect(throws: IMConfigurationError.self) { try configuration.validate() }
        #expect(error?.field == "postgres_url")
        #expect(error?.description.contains("x@") != true, "the password is never shown")
    }

    @Test func poolAndTimeoutAreChecked() {
        var configuration = IMServerConfiguration()
        configuration.postgres.poolSize = 1
        #expect(throws: IMConfigurationError.self) { try configuration.validate() }
        configuration.postgres.poolSize = 8
        configuration.postgres.timeout = .zero
        let error = #expect(throws: IMConfigurationError.self) { try configuration.validate() }
        #expect(error?.field == "postgres_timeout")
    }
}
