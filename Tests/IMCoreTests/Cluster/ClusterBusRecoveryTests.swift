import Foundation
import IMTestSupport
import Logging
import PostgresNIO
import ServiceLifecycle
import Testing

@testable import IMCore

/// Correctness never depends on the bus: every node's LISTEN connection is killed while a user on one
/// node writes to a user on the other; the node notices, listens again and has its users sync, so every
/// message reaches the receiver (pushed, or fetched by the sync its SYNC_NOTIFY starts).
@Suite("The bus recovers", .enabled(if: TestPostgres.enabled))
struct ClusterBusRecoveryTests {
    @Test func messagesSentWhileTheListenConnectionsWereKilledReachTheirUsers() async throws {
        try await withTwoNodes { a, b, url in
            let alice = try await a.client(uid: 1)
            let bob = try await b.client(uid: 2)
            try await onlineEverywhere([a, b], [1, 2])

            let killed = try await Self.terminateListeners(url)
            #expect(killed == 2, "one LISTEN connection per node")
            let texts = (1...20).map { "while away \($0)" }
            for text in texts {
                #expect(try await alice.send(peerMessage(1, 2, text)).status == .success)
            }

            var received = Set<String>()
            while !received.isSuperset(of: texts) {
                let event = try await bob.next { $0.frame.command == .im || $0.frame.command == .syncNotify }
                if let message = event.message, event.frame.command == .im {
                    received.insert(String(buffer: message.content))
                } else {
                    let (messages, _) = try await bob.syncAll(from: 0)
                    for frame in messages {
                        received.insert(String(buffer: try IMMessage(body: frame.body, version: 2).content))
                    }
                }
            }
        }
    }

    /// A message whose notification never comes (stored by a writer that sends none, as a node that died
    /// between its commit and its NOTIFY, or one that took the receiver's node for dead): the periodic
    /// check finds the receiver's queue past what the bus handed it and has it sync.
    @Test func aMessageWhoseNotificationNeverCameIsFoundByTheCheck() async throws {
        try await withTwoNodes { a, b, url in
            let bob = try await b.client(uid: 2)
            try await onlineEverywhere([a, b], [2])
            let (database, store) = try await openPostgresStore(url: url)
            let group = ServiceGroup(services: [database, store], logger: Logger(label: "test"))
            let running = Task { try await group.run() }
            let result = await Result {
                let message = peerMessage(1, 2, "never announced")
                let body = message.body(version: 2)
                _ = try await store.append(
                    NewMessage(command: IMCommand.im.rawValue, body: body, senderDeviceID: 0, timestamp: 1),
                    to: [.personal(appID: TestServer.appID, uid: 2)]
                )
                _ = try await bob.next { $0.frame.command == .syncNotify }
                let (messages, _) = try await bob.syncAll(from: 0)
                let texts = try messages.map { String(buffer: try IMMessage(body: $0.body, version: 2).content) }
                #expect(texts == ["never announced"])
                let cluster = try await b.summary()["cluster"] as? [String: Any]
                #expect(cluster?["bus_misses"] as? Int == 1)
            }
            await group.triggerGracefulShutdown()
            try await running.value
            try result.get()
        }
    }

    /// The same for a super group (read diffusion: one queue for all members): once a group's delivery
    /// reached a node, a later message of it whose notification never came is announced to the members
    /// there with `MSG_SYNC_GROUP_NOTIFY`, and their group sync fetches it.
    @Test func aSuperGroupMessageWhoseNotificationNeverCameIsFoundByTheCheck() async throws {
        try await withTwoNodes { a, b, url in
            let alice = try await a.client(uid: 1)
            let bob = try await b.client(uid: 2)
            try await onlineEverywhere([a, b], [1, 2])
            let gid = try await a.createGroup(members: [1, 2], isSuper: true)
            #expect(try await alice.sendGroup(groupMessage(1, gid, "announced")).status == .success)
            _ = try await bob.next { $0.frame.command == .groupIM }

            let (database, store) = try await openPostgresStore(url: url)
            let group = ServiceGroup(services: [database, store], logger: Logger(label: "test"))
            let running = Task { try await group.run() }
            let result = await Result {
                let body = groupMessage(1, gid, "never announced").body(version: 2)
                let receipt = try await store.append(
                    // Stamped now: a group sync from 0 returns what came after the member joined.
                    NewMessage(
                        command: IMCommand.groupIM.rawValue,
                        body: body,
                        senderDeviceID: 0,
                        timestamp: Int64(Date().timeIntervalSince1970)
                    ),
                    to: [.group(appID: TestServer.appID, gid: gid)]
                )
                // The push of "announced" came with a notify of its own key: this one carries the new key.
                let key = Int64(receipt[0].id)
                let notify = try await bob.next { $0.frame.command == .syncGroupNotify && $0.frame.pair?.1 == key }
                #expect(notify.frame.pair?.0 == gid)
                let (messages, _) = try await bob.syncGroupAll(gid, from: 0)
                let texts = try messages.map { String(buffer: try IMMessage(body: $0.body, version: 2).content) }
                #expect(texts == ["announced", "never announced"])
            }
            await group.triggerGracefulShutdown()
            try await running.value
            try result.get()
        }
    }

    /// Terminates the LISTEN connections of the database at `url`; returns how many there were.
    static func terminateListeners(_ url: String) async throws -> Int {
        let endpoint = try PostgresEndpoint(url: url)
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(
            configuration: try endpoint.connectionConfiguration(timeout: .seconds(30)),
            id: 1,
            logger: logger
        )
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query(
            """
            SELECT count(pg_terminate_backend(pid))::bigint FROM pg_stat_activity
            WHERE application_name = \(PostgresListener.applicationName) AND datname = current_database()
            """,
            logger: logger
        )
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
