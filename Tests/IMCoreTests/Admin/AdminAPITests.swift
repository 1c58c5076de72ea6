import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Admin HTTP API")
struct AdminAPITests {
    @Test func theTokenIsRequiredExceptForSummaryAndMetrics() async throws {
        try await withTestServer { server in
            let paths = ["/post_notification?appid=7&uid=1", "/get_offline_count?appid=7&uid=1", "/stack"]
            for path in paths {
                let (status, body) = try await server.admin("POST", path, token: nil)
                #expect(status == 401, "\(path)")
                let meta = try #require(body["meta"] as? [String: Any])
                #expect(meta["code"] as? Int == 401)
                #expect((meta["message"] as? String)?.contains("Authorization") == true)
                let (wrong, _) = try await server.admin("POST", path, token: "wrong")
                #expect(wrong == 401)
            }
            let (summary, _) = try await server.admin("GET", "/summary", token: nil)
            #expect(summary == 200)
            let (metrics, _) = try await server.adminText("GET", "/metrics", token: nil)
            #expect(metrics == 200)
            let (issued, _) = try await server.admin("POST", "/auth/token", json: ["appid": 7, "uid": 1], token: nil)
            #expect(issued == 401)
        }
    }

    @Test func monitoringCanBeClosedToo() async throws {
        try await withTestServer(configure: { $0.admin.monitoringPublic = false }) { server in
            for path in ["/summary", "/metrics", "/health"] {
                let (closed, _) = try await server.adminText("GET", path, token: nil)
                #expect(closed == 401, "\(path)")
                let (open, _) = try await server.adminText("GET", path)
                #expect(open == 200, "\(path)")
            }
        }
    }

    @Test(arguments: [
        ("/get_offline_count?appid=7", "uid"),
        ("/get_offline_count?appid=x&uid=1", "appid"),
        ("/post_peer_message?appid=7&sender=1", "receiver"),
        ("/load_latest_message?appid=7&uid=1&limit=0", "limit"),
        ("/load_history_message?appid=7&uid=1&last_id=-3", "last_id"),
    ])
    func aBadParameterIsA400NamingIt(path: String, field: String) async throws {
        try await withTestServer { server in
            let (status, body) = try await server.admin("POST", path, body: "content")
            #expect(status == 400)
            let meta = try #require(body["meta"] as? [String: Any])
            #expect(meta["code"] as? Int == 400)
            #expect((meta["message"] as? String)?.hasPrefix(field) == true, "\(meta)")
        }
    }

    @Test func aBadJSONFieldIsA400NamingIt() async throws {
        try await withTestServer { server in
            for (json, field) in [
                (["appid": 7, "content": "x"] as [String: Any], "receivers"),
                (["appid": "seven", "content": "x", "receivers": [1]], "appid"),
                (["appid": 7, "content": "x", "receivers": [1, "two"]], "receivers"),
            ] {
                let (status, body) = try await server.admin("POST", "/post_system_message", json: json)
                #expect(status == 400)
                let message = (body["meta"] as? [String: Any])?["message"] as? String
                #expect(message?.hasPrefix(field) == true, "\(String(describing: message))")
            }
            let (status, body) = try await server.admin("POST", "/auth/token", body: "not json")
            #expect(status == 400)
            #expect(((body["meta"] as? [String: Any])?["message"] as? String)?.contains("json") == true)
        }
    }

    @Test func postPeerMessageStoresAndNotifies() async throws {
        try await withTestServer { server in
            let bob = try await server.client(uid: 2)
            let (status, _) = try await server.adminText(
                "POST",
                "/post_peer_message?appid=7&sender=1&receiver=2",
                body: #"{"text":"from the app server"}"#
            )
            #expect(status == 200)
            _ = try await bob.next { $0.frame.command == .syncNotify }
            let synced = try await bob.sync(from: 0)
            let message = try IMMessage(body: try #require(synced.messages.first).body, version: 2)
            #expect(message.sender == 1 && message.msgID == 0)
            #expect(String(buffer: message.content) == #"{"text":"from the app server"}"#)

            let (_, count) = try await server.admin("GET", "/get_offline_count?appid=7&uid=2")
            #expect((count["data"] as? [String: Any])?["count"] as? Int == 1)
            let (_, counted) = try await server.admin(
                "GET",
                "/get_offline_count?appid=7&uid=2&sync_key=\(synced.endKey)"
            )
            #expect((counted["data"] as? [String: Any])?["count"] as? Int == 0)

            let (_, latest) = try await server.admin("GET", "/load_latest_message?appid=7&uid=1&limit=10")
            let messages = try #require(latest["data"] as? [[String: Any]])
            #expect(messages.count == 1)
            #expect(messages.first?["command"] as? Int == 4)
            #expect(messages.first?["sender"] as? Int == 1)
            #expect(messages.first?["receiver"] as? Int == 2)
            #expect(messages.first?["content"] as? String == #"{"text":"from the app server"}"#)
            #expect((messages.first?["id"] as? Int ?? 0) > 0)

            let (_, history) = try await server.admin("GET", "/load_history_message?appid=7&uid=2&last_id=0")
            #expect((history["data"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func postSystemMessageNotificationAndRealtime() async throws {
        try await withTestServer { server in
            let bob = try await server.client(uid: 2)
            let carol = try await server.client(uid: 3)
            let (status, _) = try await server.admin(
                "POST",
                "/post_system_message",
                json: ["appid": 7, "content": "maintenance at noon", "receivers": [2, 3]]
            )
            #expect(status == 200)
            for client in [bob, carol] {
                _ = try await client.next { $0.frame.command == .syncNotify }
                let synced = try await client.sync(from: 0)
                #expect(synced.messages.map(\.command) == [.system])
                #expect(synced.messages.map { String(buffer: $0.body) } == ["maintenance at noon"])
            }

            _ = try await server.adminText("POST", "/post_notification?appid=7&uid=2", body: "ding")
            let notification = try await bob.next { $0.frame.command == .notification }
            #expect(String(buffer: notification.frame.body) == "ding")

            _ = try await server.adminText("POST", "/post_realtime_message?appid=7&sender=9&receiver=3", body: "rt")
            let rt = try await carol.next { $0.frame.command == .rt }
            #expect(try IMRealtimeMessage(body: rt.frame.body).sender == 9)
        }
    }

    @Test func summaryMetricsAndStack() async throws {
        try await withTestServer { server in
            let alice = try await server.client(uid: 1)
            let aliceTablet = try await server.client(uid: 1, device: "tablet")
            let bob = try await server.client(uid: 2)
            _ = try await alice.send(peerMessage(1, 2, "hello"))
            _ = try await bob.next { $0.frame.command == .im }
            _ = try await aliceTablet.next { $0.frame.command == .im }

            let (_, summary) = try await server.admin("GET", "/summary?appid=7")
            #expect(summary["connection_count"] as? Int == 3)
            #expect(summary["client_count"] as? Int == 3)
            #expect(summary["clientset_count"] as? Int == 2)
            #expect(summary["in_message_count"] as? Int == 1)
            #expect(summary["out_message_count"] as? Int == 2)
            #expect((summary["goroutine_count"] as? Int ?? 0) > 0)
            #expect(summary["version"] as? String == IMServer.version)
            #expect((summary["process"] as? [String: Any])?["rss_bytes"] as? Int ?? 0 > 0)
            #expect((summary["store"] as? [String: Any])?["messages"] as? Int == 1)
            let app = try #require(summary["app_7"] as? [String: Any])
            #expect(app["clientset_count"] as? Int == 2)
            #expect(app["client_count"] as? Int == 3)

            let (_, metrics) = try await server.adminText("GET", "/metrics")
            #expect(metrics.contains("im_in_messages_total 1"))
            #expect(metrics.contains("im_connections 3"))
            #expect(metrics.contains("process_resident_memory_bytes"))

            let (status, stack) = try await server.adminText("GET", "/stack")
            #expect(status == 200)
            #expect(stack.contains("== threads =="))
            #expect(stack.contains("logged in 3"))
        }
    }
    @Test func summaryCountsOnlineClientsPerApp() async throws {
        try await withTestServer(configure: { $0.session.maxConnectionsPerUser = 2 }) { server in
            let alice = try await server.client(uid: 1)
            _ = try await server.client(uid: 1, device: "tablet")
            _ = try await server.client(uid: 2)
            let otherApp = try await server.connect()
            #expect(try await otherApp.authenticate(token: try await server.token(uid: 1, appID: 8), deviceID: "d"))

            func apps() async throws -> [String: [String: Int]] {
                let (_, summary) = try await server.admin("GET", "/summary", token: nil)
                return try #require(
                    summary["apps"] as? [String: [String: Int]],
                    "apps: \(summary["apps"] ?? "missing")"
                )
            }
            #expect(
                try await apps() == [
                    "7": ["client_count": 3, "clientset_count": 2, "room_count": 0, "room_client_count": 0],
                    "8": ["client_count": 1, "clientset_count": 1, "room_count": 0, "room_client_count": 0],
                ]
            )
            let (_, withApp) = try await server.admin("GET", "/summary?appid=7", token: nil)
            let app7 = try #require(withApp["app_7"] as? [String: Any])
            #expect(app7["client_count"] as? Int == 3, "GoBelieve's app_<A> agrees with apps")

            // A third device of uid 1 evicts its oldest: still 3 clients, 2 users in app 7.
            _ = try await server.client(uid: 1, device: "laptop")
            try await alice.waitUntilClosed()
            #expect(
                try await apps()["7"] == [
                    "client_count": 3, "clientset_count": 2, "room_count": 0, "room_client_count": 0,
                ]
            )

            // The last client of app 8 leaves: its entry goes once the server has seen the close.
            try await otherApp.close()
            try await eventually("app 8 leaves the summary") { try await apps()["8"] == nil }
            #expect(
                try await apps() == [
                    "7": ["client_count": 3, "clientset_count": 2, "room_count": 0, "room_client_count": 0]
                ]
            )
        }
    }
}
