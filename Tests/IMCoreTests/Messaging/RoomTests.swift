import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Chat rooms over real sockets")
struct RoomTests {
    private func roomMessage(_ sender: Int64, _ room: Int64, _ text: String) -> ByteBuffer {
        IMRealtimeMessage(sender: sender, receiver: room, content: ByteBuffer(string: text)).body()
    }

    @Test func roomMessagesReachTheRoomButNotTheSender() async throws {
        try await withTestServer { server in
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            let carol = try await server.client(uid: 3)
            try await alice.enterRoom(10)
            try await bob.enterRoom(10)
            try await carol.enterRoom(11)

            let ack = try await alice.send(.roomIM, body: roomMessage(1, 10, "hello room"))
            #expect(ack.status == .success)
            #expect(ack.metadata == nil, "room messages are not stored: no METADATA")
            let received = try await bob.next { $0.frame.command == .roomIM }
            let message = try IMRealtimeMessage(body: received.frame.body, command: .roomIM)
            #expect(message.sender == 1 && message.receiver == 10 && String(buffer: message.content) == "hello room")
            try await alice.ping()
            await #expect(throws: IMClientError.self) {
                _ = try await alice.next(timeout: .milliseconds(300)) { $0.frame.command == .roomIM }
            }
            await #expect(throws: IMClientError.self) {
                _ = try await carol.next(timeout: .milliseconds(300)) { $0.frame.command == .roomIM }
            }

            // A connection is in one room: entering 11 leaves 10.
            try await bob.enterRoom(11)
            _ = try await alice.send(.roomIM, body: roomMessage(1, 10, "anyone?"))
            _ = try await carol.send(.roomIM, body: roomMessage(3, 11, "in eleven"))
            let inEleven = try await bob.next { $0.frame.command == .roomIM }
            #expect(String(buffer: try IMRealtimeMessage(body: inEleven.frame.body).content) == "in eleven")

            // Not in the room sent to: refused with 64; after leaving, too.
            #expect(try await carol.send(.roomIM, body: roomMessage(3, 10, "x")).status == .notGroupMember)
            try await carol.leaveRoom(11)
            #expect(try await carol.send(.roomIM, body: roomMessage(3, 11, "x")).status == .notGroupMember)
            for client in [alice, bob, carol] { try await client.close() }
        }
    }

    @Test func aSpeakForbiddenUserIsRefusedWith66() async throws {
        try await withTestServer { server in
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            try await alice.enterRoom(3)
            try await bob.enterRoom(3)
            var (status, _) = try await server.admin("POST", "/users/mute", json: ["appid": 7, "uid": 1])
            #expect(status == 200)
            #expect(try await alice.send(.roomIM, body: roomMessage(1, 3, "x")).status == .muted)
            (status, _) = try await server.admin("POST", "/users/unmute", json: ["appid": 7, "uid": 1])
            #expect(try await alice.send(.roomIM, body: roomMessage(1, 3, "allowed")).status == .success)
            let received = try await bob.next { $0.frame.command == .roomIM }
            #expect(String(buffer: try IMRealtimeMessage(body: received.frame.body).content) == "allowed")
            // A v1 connection has no status byte: its refused room message gets no ACK at all.
            _ = try await server.admin("POST", "/users/mute", json: ["appid": 7, "uid": 1])
            let old = try await server.client(uid: 1, device: "old", version: 1)
            try await old.enterRoom(3)
            await #expect(throws: IMClientError.self) {
                _ = try await old.send(.roomIM, body: roomMessage(1, 3, "x"), timeout: .milliseconds(300))
            }
            for client in [alice, bob, old] { try await client.close() }
        }
    }

    @Test func oneConnectionPerUserDeviceAndRoomFiguresInSummary() async throws {
        try await withTestServer { server in
            let old = try await server.client(uid: 2, device: "same")
            let new = try await server.client(uid: 2, device: "same")
            let web = try await server.client(uid: 2, device: "", platform: .web)
            let alice = try await server.client(uid: 1)
            for client in [old, new, web, alice] { try await client.enterRoom(5) }

            let (_, summary) = try await server.admin("GET", "/summary?appid=7")
            let app = try #require(summary["app_7"] as? [String: Any])
            #expect(app["room_count"] as? Int == 1)
            #expect(app["room_client_count"] as? Int == 3, "the older connection of (uid 2, device) was replaced")
            let apps = try #require(summary["apps"] as? [String: Any])
            #expect((apps["7"] as? [String: Any])?["room_client_count"] as? Int == 3)

            let (status, _) = try await server.adminText(
                "POST",
                "/post_room_message?appid=7&uid=99&room=5",
                body: "from app"
            )
            #expect(status == 200)
            for client in [new, web, alice] {
                let event = try await client.next { $0.frame.command == .roomIM }
                #expect(try IMRealtimeMessage(body: event.frame.body).sender == 99)
            }
            await #expect(throws: IMClientError.self) {
                _ = try await old.next(timeout: .milliseconds(300)) { $0.frame.command == .roomIM }
            }
            // Closing leaves the room.
            try await alice.close()
            try await web.close()
            try await eventually("one connection left in the room") {
                let (_, summary) = try await server.admin("GET", "/summary?appid=7")
                return (summary["app_7"] as? [String: Any])?["room_client_count"] as? Int == 1
            }
            try await old.close()
            try await new.close()
        }
    }
}
