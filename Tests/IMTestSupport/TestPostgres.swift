import Foundation
import IMCore
import Logging
import PostgresNIO

/// The PostgreSQL server the tests use: `IM_TEST_POSTGRES_URL` (`scripts/postgres.sh url DIR` prints
/// one; `.ci/run` starts a throwaway cluster and sets it). Each test gets a database of its own, created
/// beside the URL's and dropped afterwards.
///
/// Without the variable the PostgreSQL cases are left out with a message, unless `CI` is set: then they
/// run and fail, naming the variable (CI must never pass by skipping them).
package enum TestPostgres {
    /// The server's URL, if configured.
    package static let url: String? = {
        let value = ProcessInfo.processInfo.environment["IM_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// Whether PostgreSQL cases are part of this run.
    package static var enabled: Bool {
        if url != nil || ProcessInfo.processInfo.environment["CI"] != nil { return true }
        skippedNotice
        return false
    }

    private static let skippedNotice: Void = {
        FileHandle.standardError.write(
            Data(
                "note: PostgreSQL cases skipped: IM_TEST_POSTGRES_URL is not set (scripts/postgres.sh start DIR)\n".utf8
            )
        )
    }()

    /// Runs `body` with the URL of a new, empty database; drops it afterwards (with its connections).
    package static func withDatabase<Value>(_ body: (String) async throws -> Value) async throws -> Value {
        guard let url else {
            throw TestPostgresError("IM_TEST_POSTGRES_URL is not set: start a server with scripts/postgres.sh")
        }
        let server = try PostgresEndpoint(url: url)
        let name = "im_test_\(UUID().uuidString.prefix(8).lowercased())_\(ProcessInfo.processInfo.processIdentifier)"
        try await administer(server, "CREATE DATABASE \(name)")
        do {
            let value = try await body(server.with(database: name).url)
            try await administer(server, "DROP DATABASE \(name) WITH (FORCE)")
            return value
        } catch {
            try? await administer(server, "DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
    }

    /// Runs one statement on the URL's own database.
    private static func administer(_ server: PostgresEndpoint, _ sql: String) async throws {
        let client = PostgresClient(
            configuration: server.clientConfiguration(poolSize: 2, timeout: .seconds(60)),
            backgroundLogger: Logger(label: "test-postgres")
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await client.run() }
            defer { tasks.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
        }
    }
}

/// The PostgreSQL the tests need is not there.
package struct TestPostgresError: Error, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
