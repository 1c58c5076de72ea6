import Foundation
import IMCore
import IMTestSupport
import NIOConcurrencyHelpers
import Testing

/// The database restarts while a node's users write to a user on another node: every ACKed message
/// reaches the receiver, pushed or announced by a `MSG_SYNC_NOTIFY` that its sync follows (the bus is
/// lost with the database; the LISTEN reconnection and the periodic check repair it), and neither node
/// is restarted.
@Suite("PostgreSQL restarts under cross-node load", .enabled(if: TestPostgres.enabled))
struct ClusterRestartTests {
    /// What the receiver's connection saw: texts pushed, and the largest key announced.
    final class Receiver: Sendable {
        let pushed = NIOLockedValueBox(Set<String>())
        let announced = NIOLockedValueBox(Int64(0))

        func watch(_ client: IMClient) -> Task<Void, Never> {
            Task {
                for await event in client.events {
                    if event.frame.command == .im, let message = event.message {
                        let text = String(buffer: message.content)
                        pushed.withLockedValue { _ = $0.insert(text) }
                    } else if event.frame.command == .syncNotify,
                        let key = event.frame.body.getInteger(at: event.frame.body.readerIndex, as: Int64.self)
                    {
                        announced.withLockedValue { $0 = max($0, key) }
                    }
                }
            }
        }
    }

    @Test func everyACKedMessageReachesTheUserOnTheOtherNode() async throws {
        let cluster = try await ScratchCluster.start()
        let result = await Result {
            try await withTestServer(configure: { clusterNode("a", on: cluster.url)(&$0) }) { a in
                try await withTestServer(configure: { clusterNode("b", on: cluster.url)(&$0) }) { b in
                    try await eventually("both nodes are live") {
                        for node in [a, b] {
                            let cluster = try await node.summary()["cluster"] as? [String: Any]
                            if cluster?["nodes_live"] as? Int != 2 { return false }
                        }
                        return true
                    }
                    try await body(a, b)
                }
            }
        }
        await cluster.remove()
        try result.get()

        func body(_ a: TestServer, _ b: TestServer) async throws {
            let receiver = Receiver()
            let bob = try await b.client(uid: 100)
            let watching = receiver.watch(bob)
            var clients: [(Int64, IMClient)] = []
            for uid in Int64(1)...3 { clients.append((uid, try await a.client(uid: uid))) }
            try await onlineEverywhere([a, b], [1, 2, 3, 100])
            let senders = RestartSenders(clients, to: 100)
            let acked = senders.acked
            try await senders.moreACKed(than: 0, by: 200, "200 messages ACKed")
            try await cluster.run("restart")
            try await senders.moreACKed(than: acked.count, by: 200, "200 more messages ACKed after the restart")
            #expect(await senders.stop() == nil)

            // Reached: pushed to bob's connection, or stored with a key at most the largest announced to it
            // (its sync from its key fetches those). Announcements may follow a check or two later.
            let checker = try await b.client(uid: 100, device: "checker")
            var missing: [String] = []
            try await eventually("every ACKed message pushed or announced to the receiver") {
                let announced = receiver.announced.withLockedValue { $0 }
                let pushed = receiver.pushed.withLockedValue { $0 }
                func texts(after key: Int64) async throws -> Set<String> {
                    let (messages, _) = try await checker.syncAll(from: key)
                    return Set(try messages.map { String(buffer: try IMMessage(body: $0.body, version: 2).content) })
                }
                // A sync from 0 is everything stored; from the announced key, what was never announced.
                let reached = pushed.union(try await texts(after: 0).subtracting(try await texts(after: announced)))
                missing = acked.snapshot().filter { !reached.contains($0) }
                if !missing.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
                return missing.isEmpty
            }
            #expect(missing.isEmpty, "\(missing.count) of \(acked.count) ACKed messages never reached the receiver")
            watching.cancel()
        }
    }
}
