import Foundation
import IMCore
import IMTestSupport
import Testing

/// `GET /nodes` and `GET /lookup`: a server alone is a cluster of one; nodes on one database list each
/// other, `/lookup` spreads clients over the live ones and never hands out a node that left.
@Suite("Nodes and lookup")
struct NodeLookupTests {
    @Test func aServerAloneListsItselfAndHandsOutItsOwnAddresses() async throws {
        try await withTestServer { server in
            let (status, json) = try await server.admin("GET", "/nodes")
            #expect(status == 200)
            let nodes = try #require(json["data"] as? [[String: Any]])
            #expect(nodes.count == 1)
            let node = try #require(nodes.first)
            #expect(node["state"] as? String == "live")
            #expect(node["tcp"] as? String == "127.0.0.1:\(server.addresses.client.port)")
            #expect(node["ws"] == nil, "only the transports it serves")
            #expect(node["version"] is String && node["started_at"] is Int && node["connections"] is Int)

            let (lookupStatus, lookup) = try await server.admin("GET", "/lookup?appid=7&uid=42")
            #expect(lookupStatus == 200)
            let data = try #require(lookup["data"] as? [String: Any])
            #expect(data["node_id"] as? String == node["node_id"] as? String)
            // A client goes where it was told and logs in.
            let tcp = try #require(data["tcp"] as? String)
            let address = try #require(IMServerConfiguration.Endpoint(parsing: tcp))
            let client = try await IMClient.connect(host: address.host, port: address.port)
            #expect(try await client.authenticate(token: try await server.token(uid: 42), deviceID: "d", platform: .android))
            try await client.close()

            // Both need the token; a bad query names its field.
            #expect(try await server.admin("GET", "/nodes", token: nil).0 == 401)
            #expect(try await server.admin("GET", "/lookup?appid=7&uid=42", token: nil).0 == 401)
            let (bad, problem) = try await server.admin("GET", "/lookup?appid=7")
            #expect(bad == 400)
            #expect("\(problem)".contains("uid"))
        }
    }

    @Test func lookupPublicOpensOnlyLookup() async throws {
        try await withTestServer(configure: {
            $0.admin.lookupPublic = true
            $0.advertise = [.tcp: .init(host: "im1.example.com", port: 23000)]
        }) { server in
            let (status, lookup) = try await server.admin("GET", "/lookup?appid=7&uid=42", token: nil)
            #expect(status == 200)
            #expect((lookup["data"] as? [String: Any])?["tcp"] as? String == "im1.example.com:23000")
            #expect(try await server.admin("GET", "/nodes", token: nil).0 == 401)
        }
    }

    @Test func anAdvertisedTransportMustBeServed() {
        var configuration = IMServerConfiguration()
        configuration.advertise = [.ws: .init(host: "im1.example.com", port: 13891)]
        #expect(throws: IMConfigurationError.self) { try configuration.validate() }
        configuration.webSocketAddress = .init(host: "0.0.0.0", port: 13891)
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.advertise = [.ws: .init(host: "0.0.0.0", port: 13891)]
        #expect(throws: IMConfigurationError.self) { try configuration.validate() }
    }

    @Test(.enabled(if: TestPostgres.enabled))
    func nodesOnOneDatabaseShareClientsAndALeftNodeIsNeverHandedOut() async throws {
        try await TestPostgres.withDatabase { url in
            try await withTestServer(configure: clusterNode("a", on: url)) { a in
                try await withTestServer(configure: clusterNode("b", on: url)) { b in
                    // Any node lists both, with the addresses each bound.
                    try await eventually("both nodes listed with addresses") {
                        let listed = try await Self.nodes(a)
                        return listed["a"]?["tcp"] as? String == "127.0.0.1:\(a.addresses.client.port)"
                            && listed["b"]?["tcp"] as? String == "127.0.0.1:\(b.addresses.client.port)"
                    }
                    #expect(try await Self.nodes(b).values.allSatisfy { $0["state"] as? String == "live" })
                    // Clients asking at once are spread over both, not all sent to the emptiest.
                    var handedOut: [String: Int] = [:]
                    for uid in 1...10 { handedOut[try await Self.lookup(a, uid: uid), default: 0] += 1 }
                    // (On a slow machine a hand-out may age out of the balancer's 4 s horizon between lookups.)
                    #expect(handedOut.count == 2 && handedOut.values.allSatisfy { $0 >= 3 }, "\(handedOut)")
                }
                // b stopped: its lease ended with it, so it is dead at once and never handed out.
                let listed = try await Self.nodes(a)
                #expect(listed["b"]?["state"] as? String == "dead")
                for uid in 11...20 { #expect(try await Self.lookup(a, uid: uid) == "a") }
            }
        }
    }

    /// `/users/online` on any node lists the user's sessions on every node, each with its node (the
    /// other node asked through its admin address); `local=true` only the node's own.
    @Test(.enabled(if: TestPostgres.enabled))
    func onlineUsersListEverySessionOfTheClusterWithItsNode() async throws {
        try await withTwoNodes { a, b, _ in
            let phone = try await a.client(uid: 1, device: "phone")
            let tablet = try await b.client(uid: 1, device: "tablet")
            try await eventually("each node knows of the other's admin address") {
                let listed = try await Self.nodes(a)
                return listed["a"]?["admin"] as? String == "http://127.0.0.1:\(a.addresses.admin!.port)"
                    && listed["b"]?["admin"] as? String == "http://127.0.0.1:\(b.addresses.admin!.port)"
            }
            try await onlineEverywhere([a, b], [1])
            for node in [a, b] {
                let (status, json) = try await node.admin("GET", "/users/online?appid=\(TestServer.appID)&uid=1")
                try #require(status == 200, "\(json)")
                let user = try #require((json["data"] as? [[String: Any]])?.first)
                #expect(user["online"] as? Bool == true)
                let sessions = try #require(user["sessions"] as? [[String: Any]])
                #expect(Set(sessions.compactMap { $0["node"] as? String }) == ["a", "b"], "\(sessions)")
            }
            let (_, local) = try await b.admin("GET", "/users/online?appid=\(TestServer.appID)&uid=1&local=true")
            let sessions = (local["data"] as? [[String: Any]])?.first?["sessions"] as? [[String: Any]]
            #expect(sessions?.compactMap { $0["node"] as? String } == ["b"])
            let (status, bad) = try await b.admin("GET", "/users/online?appid=\(TestServer.appID)&uid=1&local=maybe")
            #expect(status == 400 && "\(bad)".contains("local"))
            _ = (phone, tablet)
        }
    }

    /// `/nodes` by node id.
    static func nodes(_ server: TestServer) async throws -> [String: [String: Any]] {
        let (status, json) = try await server.admin("GET", "/nodes")
        try #require(status == 200, "GET /nodes answered \(status): \(json)")
        let nodes = try #require(json["data"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: nodes.map { ($0["node_id"] as? String ?? "?", $0) })
    }

    /// The node `/lookup` hands `uid`.
    static func lookup(_ server: TestServer, uid: Int) async throws -> String {
        let (status, json) = try await server.admin("GET", "/lookup?appid=\(TestServer.appID)&uid=\(uid)")
        try #require(status == 200, "GET /lookup answered \(status): \(json)")
        return try #require((json["data"] as? [String: Any])?["node_id"] as? String)
    }
}
