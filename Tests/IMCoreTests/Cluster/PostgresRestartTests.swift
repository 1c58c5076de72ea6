import Foundation
import IMCore
import IMTestSupport
import NIOConcurrencyHelpers
import Testing

/// A PostgreSQL cluster of the test's own (the shared one serves every other test), started with
/// `scripts/postgres.sh`.
struct ScratchCluster {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/postgres.sh").path

    let directory: TemporaryDirectory
    let url: String

    static func start() async throws -> ScratchCluster {
        let directory = TemporaryDirectory()
        let output = try await ChildProcess.run(Self.script, ["start", directory.path], timeout: .seconds(120))
        guard output.status == 0 else { throw TestPostgresError("postgres.sh start failed: \(output.stderr)") }
        return ScratchCluster(directory: directory, url: output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func run(_ command: String) async throws {
        let output = try await ChildProcess.run(Self.script, [command, directory.path], timeout: .seconds(120))
        guard output.status == 0 else { throw TestPostgresError("postgres.sh \(command) failed: \(output.stderr)") }
    }

    func remove() async {
        try? await run("stop")
        directory.remove()
    }
}

/// The database restarts, and stops and starts again, under load: nothing ACKed is lost, appends made
/// while it is away are refused (never ACKed), and the server carries on once it is back without being
/// restarted.
@Suite("PostgreSQL restarts under load", .enabled(if: TestPostgres.enabled))
struct PostgresRestartTests {
    @Test func aRestartedDatabaseLosesNothingACKedAndNeedsNoServerRestart() async throws {
        let cluster = try await ScratchCluster.start()
        let result = await Result {
            try await withTestServer(configure: {
                $0.postgres.url = cluster.url
                // Long enough for a starved machine to open the database; appends fail meanwhile all the same.
                $0.postgres.timeout = .seconds(30)
            }) { server in
                var clients: [(Int64, IMClient)] = []
                for uid in Int64(1)...3 { clients.append((uid, try await server.client(uid: uid))) }
                let senders = RestartSenders(clients, to: 100)
                let acked = senders.acked
                try await senders.moreACKed(than: 0, by: 300, "300 messages ACKed")
                try await cluster.run("restart")
                let afterRestart = acked.count
                try await senders.moreACKed(than: afterRestart, by: 300, "300 more messages ACKed after the restart")
                // Stopped for a while, then started again: the pool reconnects by itself.
                try await cluster.run("stop")
                try await Task.sleep(for: .seconds(2))
                try await cluster.run("start")
                let afterStart = acked.count
                try await senders.moreACKed(than: afterStart, by: 300, "300 more messages ACKed after a stop and a start")
                // The database is up again. Statements in flight at a restart failed with their connection
                // and made it down for a while; but on a slow machine a restart can fall between
                // statements, and one that waits for a connection meanwhile simply succeeds later.
                let health = try await postgresSummary(server)
                #expect(health["state"] as? String == "up")
                if health["errors"] as? Int ?? 0 > 0 {
                    #expect(health["state_changes"] as? Int ?? 0 >= 2)
                    #expect(health["last_error"] is String)
                }
                let (_, metrics) = try await server.adminText("GET", "/metrics")
                #expect(metrics.contains("im_postgres_up 1"))
                #expect(await senders.stop() == nil)
                let receiver = try await server.client(uid: 100)
                let (messages, _) = try await receiver.syncAll(from: 0)
                let stored = Set(messages.map { String(buffer: try! IMMessage(body: $0.body, version: 2).content) })
                let lost = acked.snapshot().filter { !stored.contains($0) }
                #expect(lost.isEmpty, "\(lost.count) of \(acked.count) ACKed messages were lost")
            }
        }
        await cluster.remove()
        try result.get()
    }
}

/// Users writing to one receiver as fast as their ACKs come, until stopped, while the database restarts:
/// the texts ACKed, and what ended a sender early (a test waiting for more ACKs says so at once instead of
/// waiting for senders that stopped).
final class RestartSenders: Sendable {
    let acked = LockedCollection()
    private let stopped = NIOLockedValueBox(false)
    private let failure = NIOLockedValueBox<String?>(nil)
    private let sending = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(_ clients: [(Int64, IMClient)], to receiver: Int64) {
        let (acked, stopped, failure) = (acked, stopped, failure)
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                for (uid, client) in clients {
                    group.addTask {
                        var n = 0
                        while !stopped.withLockedValue({ $0 }) {
                            n += 1
                            let text = "\(uid)-\(n)"
                            do {
                                // The server answers within postgres_timeout (refusing what it could not store)
                                // plus the time the append waited for a batch slot, which may be another
                                // postgres_timeout: the client waits longer than both.
                                let ack = try await client.send(peerMessage(uid, receiver, text), timeout: .seconds(120))
                                // A message refused while the database is away is not ACKed.
                                if ack.status == .success { acked.append(text) }
                            } catch {
                                failure.withLockedValue { $0 = $0 ?? "sender \(uid), message \(n): \(error)" }
                                return
                            }
                        }
                    }
                }
            }
        }
        sending.withLockedValue { $0 = task }
    }

    /// Waits for `more` ACKs than `count`, failing as soon as a sender stopped.
    func moreACKed(than count: Int, by more: Int, _ what: String) async throws {
        try await eventually(what) {
            if let failure = failure.withLockedValue({ $0 }) { throw TestPostgresError(failure) }
            return acked.count >= count + more
        }
    }

    /// Stops the senders; returns what ended one early, if anything did.
    func stop() async -> String? {
        stopped.withLockedValue { $0 = true }
        await sending.withLockedValue { $0 }?.value
        return failure.withLockedValue { $0 }
    }
}

/// `/summary`'s `postgres` object.
func postgresSummary(_ server: TestServer) async throws -> [String: Any] {
    try #require(try await server.summary()["postgres"] as? [String: Any])
}
