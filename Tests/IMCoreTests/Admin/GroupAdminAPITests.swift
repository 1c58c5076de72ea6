import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Group admin API")
struct GroupAdminAPITests {
    @Test func createInspectChangeAndDisband() async throws {
        try await withTestServer { server in
            var (status, json) = try await server.admin(
                "POST",
                "/groups",
                json: ["appid": 7, "members": [3, 1, 2, 1], "super": false, "name": "team"]
            )
            #expect(status == 200)
            let gid = try #require((json["data"] as? [String: Any])?["group_id"] as? Int64)
            (status, json) = try await server.admin("GET", "/groups/\(gid)")
            var group = try #require(json["data"] as? [String: Any])
            #expect(group["master"] as? Int64 == 3, "the first member is the owner")
            #expect(group["name"] as? String == "team" && group["super"] as? Bool == false)
            let members = try #require(group["members"] as? [[String: Any]])
            #expect(members.map { $0["uid"] as? Int64 } == [1, 2, 3])
            #expect(members.allSatisfy { $0["mute"] as? Bool == false && ($0["joined_at"] as? Int64 ?? 0) > 0 })

            (status, json) = try await server.admin("PATCH", "/groups/\(gid)", json: ["name": "crew", "notice": "hi"])
            group = try #require(json["data"] as? [String: Any])
            #expect(status == 200 && group["name"] as? String == "crew" && group["notice"] as? String == "hi")
            (status, json) = try await server.admin("PATCH", "/groups/\(gid)/members/2", json: ["nickname": "bobby"])
            #expect((json["data"] as? [String: Any])?["nickname"] as? String == "bobby")

            (status, json) = try await server.admin("POST", "/groups/\(gid)/members", json: ["members": [4, 1]])
            #expect((json["data"] as? [String: Any])?["added"] as? [Int64] == [4], "existing members are kept")
            (status, json) = try await server.admin("DELETE", "/groups/\(gid)/members", json: ["members": [4, 9]])
            #expect((json["data"] as? [String: Any])?["removed"] as? [Int64] == [4])

            let other = try await server.createGroup(members: [1], appID: 8, extra: ["master": 42])
            (status, json) = try await server.admin("GET", "/groups?appid=8")
            let listed = try #require(json["data"] as? [[String: Any]])
            #expect(listed.map { $0["group_id"] as? Int64 } == [other])
            #expect(listed.first?["master"] as? Int64 == 42 && listed.first?["member_count"] as? Int == 1)

            (status, json) = try await server.admin("DELETE", "/groups/\(gid)")
            #expect((json["data"] as? [String: Any])?["disbanded"] as? Bool == true)
            (status, _) = try await server.admin("GET", "/groups/\(gid)")
            #expect(status == 404)
        }
    }

    @Test func badRequestsNameTheField() async throws {
        try await withTestServer { server in
            let gid = try await server.createGroup(members: [1], id: 500)
            let cases: [(String, String, [String: Any]?, Int, String)] = [
                ("POST", "/groups", ["members": [1]], 400, "appid"),
                ("POST", "/groups", ["appid": 7, "members": []], 400, "members"),
                ("POST", "/groups", ["appid": 7, "members": ["x"]], 400, "members"),
                ("POST", "/groups", ["appid": 7, "members": [1], "group_id": 500], 409, "group_id"),
                ("POST", "/groups", ["appid": 7, "members": [1], "group_id": -3], 400, "group_id"),
                ("GET", "/groups/abc", nil, 400, "group_id"),
                ("GET", "/groups/777", nil, 404, "group_id"),
                ("PATCH", "/groups/\(gid)", [:], 400, "body"),
                ("PATCH", "/groups/\(gid)/members/9", ["mute": true], 404, "uid"),
                ("DELETE", "/groups/\(gid)/members/9", nil, 404, "uid"),
                ("POST", "/groups/\(gid)/members", ["members": []], 400, "members"),
                ("POST", "/groups/\(gid)/members", [:], 400, "members"),
            ]
            for (method, path, body, expectedStatus, field) in cases {
                let (status, json) = try await server.admin(method, path, json: body)
                let message = (json["meta"] as? [String: Any])?["message"] as? String ?? ""
                #expect(status == expectedStatus, "\(method) \(path): \(status) \(message)")
                #expect(message.hasPrefix(field), "\(method) \(path): \(message)")
            }
            let (status, _) = try await server.admin("GET", "/groups/\(gid)", token: nil)
            #expect(status == 401)
        }
    }

    @Test func changesCanNotifyTheMembers() async throws {
        try await withTestServer { server in
            let gid = try await server.createGroup(members: [1, 2], extra: ["name": "g", "notify": true])
            let bob = try await server.client(uid: 2)
            _ = try await server.admin("PATCH", "/groups/\(gid)", json: ["name": "renamed", "notify": true])
            _ = try await server.admin("POST", "/groups/\(gid)/members", json: ["members": [3], "notify": true])
            _ = try await server.admin("DELETE", "/groups/\(gid)/members/3", json: ["notify": true])
            let (messages, _) = try await bob.syncAll(from: 0)
            let notes = messages.filter { $0.command == .groupNotification }.map {
                try! JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as! [String: Any]
            }
            #expect(notes.map { $0.keys.first } == ["create", "update_name", "add_member", "quit_group"])
            let create = try #require(notes.first?["create"] as? [String: Any])
            #expect(create["group_id"] as? Int64 == gid && create["members"] as? [Int64] == [1, 2])
            #expect((notes[2]["add_member"] as? [String: Any])?["member_id"] as? Int64 == 3)
            // The member who left is told too.
            let carol = try await server.client(uid: 3)
            let carolNotes = try await carol.syncAll(from: 0).messages.map { String(buffer: $0.body) }
            #expect(carolNotes.count == 2 && carolNotes[1].contains("quit_group"))
            try await bob.close()
            try await carol.close()
        }
    }

    @Test func groupsSurviveARestart() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let gid = try await withTestServer(dataDirectory: directory.path) { server in
            let gid = try await server.createGroup(members: [1, 2], isSuper: true, extra: ["name": "kept"])
            _ = try await server.admin("PATCH", "/groups/\(gid)/members/2", json: ["mute": true])
            _ = try await server.admin("POST", "/friends", json: ["appid": 7, "uid": 1, "friend_uid": 2])
            return gid
        }
        try await withTestServer(dataDirectory: directory.path) { server in
            let (_, json) = try await server.admin("GET", "/groups/\(gid)")
            let group = try #require(json["data"] as? [String: Any])
            #expect(group["name"] as? String == "kept" && group["super"] as? Bool == true)
            let members = try #require(group["members"] as? [[String: Any]])
            #expect(members.map { $0["mute"] as? Bool } == [false, true])
            let (_, friends) = try await server.admin("GET", "/friends?appid=7&uid=2")
            #expect((friends["data"] as? [String: Any])?["friends"] as? [Int64] == [1])
            // A server-picked id never reuses one.
            let next = try await server.createGroup(members: [1])
            #expect(next > gid)
        }
    }
}
