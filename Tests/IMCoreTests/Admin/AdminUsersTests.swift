import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Admin API: users")
struct AdminUsersTests {
    @Test func onlineListsEachUsersSessions() async throws {
        try await withTestServer { server in
            let phone = try await server.client(uid: 42, device: "phone", platform: .android, version: 2)
            let tablet = try await server.client(uid: 42, device: "tablet", platform: .ios, version: 1)
            _ = try await server.client(uid: 43, device: "web", platform: .web)

            let (status, body) = try await server.admin("GET", "/users/online?appid=7&uid=42,43&uid=44")
            #expect(status == 200)
            let users = try #require(body["data"] as? [[String: Any]])
            #expect(users.map { $0["uid"] as? Int } == [42, 43, 44])
            #expect(users.map { $0["online"] as? Bool } == [true, true, false])
            #expect(users.map { $0["forbidden"] as? Bool } == [false, false, false])
            let sessions = try #require(users[0]["sessions"] as? [[String: Any]])
            #expect(sessions.map { $0["platform"] as? String } == ["android", "ios"])
            #expect(sessions.map { $0["version"] as? Int } == [2, 1])
            let deviceIDs = sessions.compactMap { $0["device_id"] as? Int }
            #expect(deviceIDs.count == 2 && Set(deviceIDs).count == 2 && !deviceIDs.contains(0))
            let phonePort = phone.localAddress?.port ?? -1
            let tabletPort = tablet.localAddress?.port ?? -1
            let addresses = sessions.map { $0["address"] as? String ?? "" }
            #expect(addresses == ["127.0.0.1:\(phonePort)", "127.0.0.1:\(tabletPort)"])
            let now = Int(Date().timeIntervalSince1970)
            for session in sessions {
                #expect(abs((session["logged_in_at"] as? Int ?? 0) - now) < 60)
                #expect((session["idle_seconds"] as? Double ?? -1) >= 0)
                #expect(session["held_pushes"] as? Int == 0)
                #expect((session["session_id"] as? Int ?? 0) > 0)
            }
            #expect((users[1]["sessions"] as? [[String: Any]])?.first?["device_id"] as? Int == 0)
            #expect((users[2]["sessions"] as? [Any])?.isEmpty == true)

            let (_, all) = try await server.admin("GET", "/users/online?appid=7")
            #expect((all["data"] as? [[String: Any]])?.map { $0["uid"] as? Int } == [42, 43])
            let (_, limited) = try await server.admin("GET", "/users/online?appid=7&limit=1")
            #expect((limited["data"] as? [[String: Any]])?.map { $0["uid"] as? Int } == [42])
            let (_, otherApp) = try await server.admin("GET", "/users/online?appid=8")
            #expect((otherApp["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: [
        ("/users/online", "appid"),
        ("/users/online?appid=7&uid=1,x", "uid"),
        ("/users/online?appid=7&limit=0", "limit"),
        ("/users/online?appid=0", "appid"),
    ])
    func onlineNamesABadParameter(path: String, field: String) async throws {
        try await withTestServer { server in
            let (status, body) = try await server.admin("GET", path)
            #expect(status == 400)
            let message = (body["meta"] as? [String: Any])?["message"] as? String
            #expect(message?.hasPrefix(field) == true, "\(String(describing: message))")
        }
    }

    @Test func kickClosesAUsersSessionsOrOneDevices() async throws {
        try await withTestServer { server in
            let phone = try await server.client(uid: 42, device: "phone")
            let tablet = try await server.client(uid: 42, device: "tablet")
            let other = try await server.client(uid: 43)
            let (_, online) = try await server.admin("GET", "/users/online?appid=7&uid=42")
            let sessions = try #require((online["data"] as? [[String: Any]])?.first?["sessions"] as? [[String: Any]])
            let tabletDevice = try #require(sessions.last?["device_id"] as? Int)

            let (status, kicked) = try await server.admin(
                "POST",
                "/users/kick",
                json: ["appid": 7, "uid": 42, "device_id": tabletDevice]
            )
            #expect(status == 200)
            #expect((kicked["data"] as? [String: Any])?["kicked"] as? Int == 1)
            try await tablet.waitUntilClosed()
            try await phone.ping()

            let (_, all) = try await server.admin("POST", "/users/kick", json: ["appid": 7, "uid": 42])
            #expect((all["data"] as? [String: Any])?["kicked"] as? Int == 1)
            try await phone.waitUntilClosed()
            try await other.ping()
            let (_, after) = try await server.admin("GET", "/users/online?appid=7&uid=42")
            #expect((after["data"] as? [[String: Any]])?.first?["online"] as? Bool == false)

            let (_, none) = try await server.admin("POST", "/users/kick", json: ["appid": 7, "uid": 99])
            #expect((none["data"] as? [String: Any])?["kicked"] as? Int == 0)
            // The kicked user may log in again.
            _ = try await server.client(uid: 42, device: "phone")
        }
    }

    @Test func kickAndMuteNameABadField() async throws {
        try await withTestServer { server in
            for path in ["/users/kick", "/users/mute", "/users/unmute"] {
                for (json, field) in [
                    (["uid": 1] as [String: Any], "appid"),
                    (["appid": 7, "uid": 0], "uid"),
                    (["appid": 7, "uid": "x"], "uid"),
                ] {
                    let (status, body) = try await server.admin("POST", path, json: json)
                    #expect(status == 400, "\(path) \(json)")
                    let message = (body["meta"] as? [String: Any])?["message"] as? String
                    #expect(message?.hasPrefix(field) == true, "\(path): \(String(describing: message))")
                }
            }
            let (status, body) = try await server.admin(
                "POST",
                "/users/kick",
                json: ["appid": 7, "uid": 1, "device_id": -1]
            )
            #expect(status == 400)
            #expect(((body["meta"] as? [String: Any])?["message"] as? String)?.hasPrefix("device_id") == true)
        }
    }

    @Test func muteSetsTheForbiddenFlagDurably() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await withTestServer(dataDirectory: directory.path) { server in
            let (status, muted) = try await server.admin("POST", "/users/mute", json: ["appid": 7, "uid": 42])
            #expect(status == 200)
            #expect(muted["data"] as? [String: Bool] == ["forbidden": true, "changed": true])
            let (_, again) = try await server.admin("POST", "/users/mute", json: ["appid": 7, "uid": 42])
            #expect(again["data"] as? [String: Bool] == ["forbidden": true, "changed": false])
            let (_, online) = try await server.admin("GET", "/users/online?appid=7&uid=42,43")
            #expect((online["data"] as? [[String: Any]])?.map { $0["forbidden"] as? Bool } == [true, false])
        }
        try await withTestServer(dataDirectory: directory.path) { server in
            let (_, online) = try await server.admin("GET", "/users/online?appid=7&uid=42")
            #expect((online["data"] as? [[String: Any]])?.first?["forbidden"] as? Bool == true)
            let (_, unmuted) = try await server.admin("POST", "/users/unmute", json: ["appid": 7, "uid": 42])
            #expect(unmuted["data"] as? [String: Bool] == ["forbidden": false, "changed": true])
            let (_, after) = try await server.admin("GET", "/users/online?appid=7&uid=42")
            #expect((after["data"] as? [[String: Any]])?.first?["forbidden"] as? Bool == false)
        }
    }

    @Test func theNewEndpointsNeedTheToken() async throws {
        try await withTestServer { server in
            for (method, path) in [
                ("GET", "/users/online?appid=7"), ("POST", "/users/kick"), ("POST", "/users/mute"),
                ("POST", "/users/unmute"), ("GET", "/store/stats"), ("POST", "/store/snapshot"), ("POST", "/store/compact"),
                ("GET", "/config"),
                ("GET", "/log-level"), ("PUT", "/log-level"),
            ] {
                let (status, _) = try await server.admin(method, path, json: ["appid": 7, "uid": 1], token: nil)
                #expect(status == 401, "\(method) \(path)")
            }
        }
    }
}
