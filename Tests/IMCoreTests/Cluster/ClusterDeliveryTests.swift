import Foundation
import IMCore
import IMTestSupport
import NIOCore
import Testing

/// Two nodes on one database: what a user on one node sends reaches users on the other as if both were on
/// one server (the same frames), and a node_id held by a live node is refused.
@Suite("Delivery across nodes", .enabled(if: TestPostgres.enabled))
struct ClusterDeliveryTests {
    @Test func everyKindOfMessageCrossesNodes() async throws {
        try await withTwoNodes { a, b, _ in
            let alice = try await a.client(uid: 1, device: "alice-phone")
            let aliceTablet = try await b.client(uid: 1, device: "alice-tablet")
            let bob = try await b.client(uid: 2)
            try await onlineEverywhere([a, b], [1, 2])

            // Peer: the receiver on the other node, and the sender's other device there too.
            let ack = try await alice.send(peerMessage(1, 2, "across"))
            #expect(ack.status == .success)
            let pushed = try await bob.next { $0.frame.command == .im }
            #expect(String(buffer: try #require(pushed.message).content) == "across")
            #expect(pushed.metadata?.syncKey ?? 0 > 0, "METADATA comes with it, as on one node")
            _ = try await bob.next { $0.frame.command == .syncNotify }
            let copy = try await aliceTablet.next { $0.frame.command == .im }
            #expect(String(buffer: try #require(copy.message).content) == "across")

            // A normal group with members on both nodes.
            let gid = try await a.createGroup(members: [1, 2, 3])
            let carol = try await a.client(uid: 3)
            try await onlineEverywhere([a, b], [1, 2, 3])
            #expect(try await bob.sendGroup(groupMessage(2, gid, "to the group")).status == .success)
            for member in [alice, carol, aliceTablet] {
                let message = try await member.next { $0.frame.command == .groupIM }
                #expect(String(buffer: try #require(message.message).content) == "to the group")
            }

            // Real-time: not stored, the body travels.
            let rt = IMRealtimeMessage(sender: 2, receiver: 1, content: ByteBuffer(string: "typing"))
            try await bob.write(.rt, body: rt.body())
            let typing = try await alice.next { $0.frame.command == .rt }
            #expect(try IMRealtimeMessage(body: typing.frame.body) == rt)

            // A room with members on both nodes.
            try await alice.enterRoom(10)
            try await bob.enterRoom(10)
            try await bob.ping()
            try await alice.ping()
            let roomBody = IMRealtimeMessage(sender: 2, receiver: 10, content: ByteBuffer(string: "hi room")).body()
            #expect(try await bob.send(.roomIM, body: roomBody).status == .success)
            let inRoom = try await alice.next { $0.frame.command == .roomIM }
            #expect(
                String(buffer: try IMRealtimeMessage(body: inRoom.frame.body, command: .roomIM).content) == "hi room"
            )

            // A system message posted on node a for a user on node b.
            let (posted, _) = try await a.admin(
                "POST",
                "/post_system_message",
                json: ["appid": TestServer.appID, "content": "maintenance", "receivers": [2]]
            )
            #expect(posted == 200)
            // As on one node: system messages are announced (MSG_SYNC_NOTIFY) and fetched by sync.
            _ = try await bob.next { $0.frame.command == .syncNotify }
            let (synced, _) = try await bob.syncAll(from: 0)
            #expect(synced.contains { $0.command == .system && String(buffer: $0.body) == "maintenance" })

            // Kick through node a of a user connected to node b.
            let (kicked, _) = try await a.admin("POST", "/users/kick", json: ["appid": TestServer.appID, "uid": 2])
            #expect(kicked == 200)
            try await bob.waitUntilClosed()
        }
    }

    /// A normal group's message names every member's queue: too much for one notification. The other node
    /// gets the parts with its members' entries, and pushes the message as for a small group.
    @Test func aLargeGroupsMessageReachesItsMembersOnTheOtherNode() async throws {
        try await withTwoNodes { a, b, _ in
            let gid = try await a.createGroup(members: Array(1...600))
            let sender = try await a.client(uid: 1)
            let members = [try await b.client(uid: 300), try await b.client(uid: 600)]
            try await onlineEverywhere([a, b], [1, 300, 600])
            #expect(try await sender.sendGroup(groupMessage(1, gid, "to 600")).status == .success)
            for member in members {
                let message = try await member.next { $0.frame.command == .groupIM }
                #expect(String(buffer: try #require(message.message).content) == "to 600")
                #expect(message.metadata?.syncKey ?? 0 > 0)
            }
        }
    }

    @Test func aNodeIDHeldByALiveNodeIsRefused() async throws {
        try await TestPostgres.withDatabase { url in
            try await withTestServer(configure: {
                $0.postgres.url = url
                $0.nodeID = "same"
            }) { _ in
                var configuration = IMServerConfiguration.forTests(
                    dataDirectory: TemporaryDirectory().path,
                    adminToken: TestServer.adminToken
                )
                configuration.postgres.url = url
                configuration.nodeID = "same"
                let error = await #expect(throws: IMServerError.self) {
                    try await withRunningServer(configuration) { _, _ in }
                }
                #expect("\(error.map { "\($0)" } ?? "")".contains("node_id same is used by a live node"))
            }
        }
    }
}

/// Waits until every node lists `uids` as online (each user's presence row is written).
func onlineEverywhere(_ nodes: [TestServer], _ uids: [Int64]) async throws {
    for node in nodes {
        try await eventually("\(uids) online on every node") {
            let (_, json) = try await node.admin("GET", "/users/online?appid=\(TestServer.appID)")
            let online = (json["data"] as? [[String: Any]] ?? []).compactMap { $0["uid"] as? Int }
            return Set(uids.map(Int.init)).isSubset(of: Set(online))
        }
    }
}

/// Configures a test server as node `id` of the cluster on the database at `url`.
func clusterNode(_ id: String, on url: String) -> (inout IMServerConfiguration) -> Void {
    { configuration in
        configuration.postgres.url = url
        configuration.postgres.timeout = .seconds(60)
        configuration.nodeID = id
    }
}

/// Two servers on a new database, nodes `a` and `b`, once each sees the other live; `body` also gets the
/// database's URL.
func withTwoNodes(_ body: (TestServer, TestServer, String) async throws -> Void) async throws {
    try await TestPostgres.withDatabase { url in
        try await withTestServer(configure: clusterNode("a", on: url)) { a in
            try await withTestServer(configure: clusterNode("b", on: url)) { b in
                // Each node learns of the other with its next heartbeat.
                for node in [a, b] {
                    try await eventually("both nodes are live") {
                        let cluster = try await node.summary()["cluster"] as? [String: Any]
                        return cluster?["nodes_live"] as? Int == 2
                    }
                }
                try await body(a, b, url)
            }
        }
    }
}
