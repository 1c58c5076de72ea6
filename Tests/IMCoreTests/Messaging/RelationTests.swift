import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Friendship and blacklist checks")
struct RelationTests {
    @Test func friendshipAndBlacklistRefusals() async throws {
        try await withTestServer(configure: {
            $0.friendshipCheck = true
            $0.blacklistCheck = true
        }) { server in
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            #expect(try await alice.send(peerMessage(1, 2, "x")).status == .notMyFriend)
            var (status, json) = try await server.admin(
                "POST",
                "/friends",
                json: ["appid": 7, "uid": 1, "friend_uid": 2, "mutual": false]
            )
            #expect(status == 200, "\(json)")
            #expect(try await alice.send(peerMessage(1, 2, "x")).status == .notYourFriend)
            (status, _) = try await server.admin("POST", "/friends", json: ["appid": 7, "uid": 2, "friend_uid": 1])
            #expect(try await alice.send(peerMessage(1, 2, "ok")).status == .success)
            (status, _) = try await server.admin("POST", "/blacklist", json: ["appid": 7, "uid": 2, "other": 1])
            #expect(status == 200)
            #expect(try await alice.send(peerMessage(1, 2, "x")).status == .inYourBlacklist)
            (status, json) = try await server.admin("GET", "/blacklist?appid=7&uid=2")
            #expect((json["data"] as? [String: Any])?["blacklist"] as? [Int64] == [1])
            (status, _) = try await server.admin("DELETE", "/blacklist", json: ["appid": 7, "uid": 2, "other": 1])
            #expect(try await alice.send(peerMessage(1, 2, "ok again")).status == .success)
            (status, json) = try await server.admin("GET", "/friends?appid=7&uid=1")
            #expect((json["data"] as? [String: Any])?["friends"] as? [Int64] == [2])
            (status, json) = try await server.admin("POST", "/friends", json: ["appid": 7, "uid": 2])
            #expect(status == 400 && "\(json)".contains("friend_uid"))
            // Only what was allowed was stored.
            #expect(try await bob.sync(from: 0).messages.count == 2)
            try await alice.close()
            try await bob.close()
        }
    }

    @Test func checksAreOffByDefault() async throws {
        try await withTestServer { server in
            let alice = try await server.client(uid: 1)
            _ = try await server.admin("POST", "/blacklist", json: ["appid": 7, "uid": 2, "other": 1])
            #expect(try await alice.send(peerMessage(1, 2, "x")).status == .success)
            try await alice.close()
        }
    }
}
