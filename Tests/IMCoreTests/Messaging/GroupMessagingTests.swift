import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Normal groups over real sockets")
struct GroupMessagingTests {
    @Test(arguments: TestBackend.all)
    func groupMessageReachesEveryMemberDeviceButTheSendingOne(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let gid = try await server.createGroup(members: [1, 2, 3])
            let alicePhone = try await server.client(uid: 1, device: "alice-phone")
            let aliceTablet = try await server.client(uid: 1, device: "alice-tablet")
            let bob = try await server.client(uid: 2)
            let outsider = try await server.client(uid: 9)

            let ack = try await alicePhone.sendGroup(groupMessage(1, gid, #"{"text":"hi all"}"#, msgID: 42))
            #expect(ack.status == .success)
            #expect(ack.flags == [], "a normal group's ACK has no SUPER_GROUP flag")
            let ackMetadata = try #require(ack.metadata, "the ACK follows a METADATA frame")
            #expect(ackMetadata.syncKey > 0 && ackMetadata.previousSyncKey == 0)

            for member in [bob, aliceTablet] {
                let pushed = try await member.next { $0.frame.command == .groupIM }
                #expect(pushed.frame.flags == .push, "normal-group pushes carry exactly PUSH")
                let message = try #require(pushed.message)
                #expect(message.sender == 1 && message.receiver == gid)
                #expect(message.msgID == 42, "the client msgid is kept for normal groups (GoBelieve sends 0)")
                #expect(String(buffer: message.content) == #"{"text":"hi all"}"#)
                let metadata = try #require(pushed.metadata)
                let notify = try await member.next { $0.frame.command == .syncNotify }
                #expect(notify.frame.key == metadata.syncKey, "SYNC_NOTIFY carries the member's own queue key")
            }
            // The tablet's copy is in alice's own queue: the same key as the ACK.
            let tabletSync = try await aliceTablet.sync(from: 0)
            #expect(tabletSync.endKey == ackMetadata.syncKey)

            // The sending device gets no copy; the outsider nothing at all.
            try await alicePhone.ping()
            try await outsider.ping()
            await #expect(throws: IMClientError.self) {
                _ = try await alicePhone.next(timeout: .milliseconds(300)) { $0.frame.command == .groupIM }
            }
            await #expect(throws: IMClientError.self) {
                _ = try await outsider.next(timeout: .milliseconds(300)) { $0.frame.command == .groupIM }
            }
            for client in [alicePhone, aliceTablet, bob, outsider] { try await client.close() }
        }
    }

    @Test(arguments: TestBackend.all)
    func anOfflineMemberGetsGroupMessagesBySyncInOrder(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let gid = try await server.createGroup(members: [1, 2, 3])
            let alice = try await server.client(uid: 1, device: "alice-phone")
            for index in 0..<20 {
                let ack = try await alice.sendGroup(groupMessage(1, gid, "m\(index)", msgID: Int32(index)))
                #expect(ack.status == .success)
            }
            let carol = try await server.client(uid: 3)
            let (messages, _) = try await carol.syncAll(from: 0)
            #expect(messages.map(\.command) == Array(repeating: .groupIM, count: 20))
            #expect(
                messages.compactMap { $0.message() }.map { String(buffer: $0.content) } == (0..<20).map { "m\($0)" }
            )
            #expect(messages.compactMap { $0.message() }.map(\.msgID) == (0..<20).map { Int32($0) })
            // The sender's own device sees its copies with SELF.
            let own = try await alice.sync(from: 0)
            #expect(own.messages.count == 20 && own.messages.allSatisfy { $0.flags == .self })
            try await alice.close()
            try await carol.close()
        }
    }

    @Test(arguments: TestBackend.all)
    func refusalsCarryTheirStatus(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let gid = try await server.createGroup(members: [1, 2])
            let otherApp = try await server.createGroup(members: [1, 2], appID: 8)
            let alice = try await server.client(uid: 1)
            let stranger = try await server.client(uid: 5)

            #expect(try await stranger.sendGroup(groupMessage(5, gid, "x")).status == .notGroupMember)
            #expect(try await alice.sendGroup(groupMessage(1, 999_999, "x")).status == .groupNonexistent)
            #expect(
                try await alice.sendGroup(groupMessage(1, otherApp, "x")).status == .groupNonexistent,
                "a group of another app does not exist for this one"
            )
            let (status, json) = try await server.admin("PATCH", "/groups/\(gid)/members/1", json: ["mute": true])
            #expect(status == 200, "\(json)")
            #expect(try await alice.sendGroup(groupMessage(1, gid, "x")).status == .muted)
            _ = try await server.admin("PATCH", "/groups/\(gid)/members/1", json: ["mute": false])
            #expect(try await alice.sendGroup(groupMessage(1, gid, "x")).status == .success)

            // Nothing refused was stored for the members.
            let bob = try await server.client(uid: 2)
            #expect(try await bob.sync(from: 0).messages.count == 1)
            // A v1 client has no status byte: a refusal gets no ACK at all.
            let old = try await server.client(uid: 5, device: "old", version: 1)
            await #expect(throws: IMClientError.self) {
                _ = try await old.sendGroup(groupMessage(5, gid, "x"), timeout: .milliseconds(300))
            }
            for client in [alice, stranger, bob, old] { try await client.close() }
        }
    }

    @Test(arguments: TestBackend.all)
    func membershipChangesApplyAtOnce(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let gid = try await server.createGroup(members: [1, 2])
            let alice = try await server.client(uid: 1)
            let dave = try await server.client(uid: 4)
            #expect(try await dave.sendGroup(groupMessage(4, gid, "x")).status == .notGroupMember)
            var (status, _) = try await server.admin("POST", "/groups/\(gid)/members", json: ["members": [4]])
            #expect(status == 200)
            #expect(try await dave.sendGroup(groupMessage(4, gid, "hello")).status == .success)
            _ = try await alice.next { $0.frame.command == .groupIM }
            (status, _) = try await server.admin("DELETE", "/groups/\(gid)/members/4")
            #expect(status == 200)
            #expect(try await dave.sendGroup(groupMessage(4, gid, "x")).status == .notGroupMember)
            (status, _) = try await server.admin("DELETE", "/groups/\(gid)")
            #expect(status == 200)
            #expect(try await alice.sendGroup(groupMessage(1, gid, "x")).status == .groupNonexistent)
            try await alice.close()
            try await dave.close()
        }
    }

    @Test(arguments: TestBackend.all)
    func aTwoThousandMemberGroupFansOutWhilePeersKeepTalking(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let members = Array(Int64(1)...2000)
            let gid = try await server.createGroup(members: members)
            let sender = try await server.client(uid: 1)
            let online = try await server.client(uid: 2000)
            let peerA = try await server.client(uid: 5001)
            let peerB = try await server.client(uid: 5002)
            async let groupSends: [IMAck] = {
                var acks: [IMAck] = []
                for index in 0..<20 { acks.append(try await sender.sendGroup(groupMessage(1, gid, "g\(index)"))) }
                return acks
            }()
            var peerAcks = 0
            for index in 0..<50 {
                if try await peerA.send(peerMessage(5001, 5002, "p\(index)")).status == .success { peerAcks += 1 }
            }
            #expect(try await groupSends.allSatisfy { $0.status == .success })
            #expect(peerAcks == 50)
            let pushed = try await online.collect(20, .groupIM)
            #expect(pushed.compactMap(\.message).map { String(buffer: $0.content) } == (0..<20).map { "g\($0)" })
            // Every member's queue has all 20: spot-check the first, a middle and the last by offline count.
            for uid in [2, 1000, 1999] {
                let (status, json) = try await server.admin("GET", "/get_offline_count?appid=7&uid=\(uid)")
                #expect(status == 200)
                #expect((json["data"] as? [String: Any])?["count"] as? Int == 20)
            }
            for client in [sender, online, peerA, peerB] { try await client.close() }
        }
    }

    @Test(arguments: TestBackend.all)
    func adminPostedGroupMessageAndNotification(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let gid = try await server.createGroup(members: [1, 2])
            let bob = try await server.client(uid: 2)
            var (status, text) = try await server.adminText(
                "POST",
                "/post_group_message?appid=7&sender=1&receiver=\(gid)",
                body: "from the app server"
            )
            #expect(status == 200, "\(text)")
            let pushed = try await bob.next { $0.frame.command == .groupIM }
            #expect(pushed.frame.flags == .push)
            #expect(pushed.message.map { String(buffer: $0.content) } == "from the app server")

            (status, text) = try await server.adminText(
                "POST",
                "/post_group_notification",
                json: ["appid": 7, "group_id": gid, "notification": #"{"x":1}"#, "members": [3]]
            )
            #expect(status == 200, "\(text)")
            _ = try await bob.next { $0.frame.command == .syncNotify }
            let synced = try await bob.syncAll(from: 0).messages
            #expect(synced.map(\.command) == [.groupIM, .groupNotification])
            #expect(String(buffer: synced[1].body) == #"{"x":1}"#)
            let carol = try await server.client(uid: 3)
            #expect(try await carol.sync(from: 0).messages.map(\.command) == [.groupNotification])

            (status, text) = try await server.adminText(
                "POST",
                "/post_group_message?appid=7&sender=1&receiver=424242",
                body: "x"
            )
            #expect(status == 404 && text.contains("receiver"))
            (status, text) = try await server.adminText(
                "POST",
                "/post_group_notification",
                json: ["appid": 7, "group_id": 55555, "notification": "x"]
            )
            #expect(status == 400 && text.contains("members"))
            try await bob.close()
            try await carol.close()
        }
    }
}
