import Foundation
import IMCore
import NIOCore
import Testing

@Suite("Super groups over real sockets")
struct SuperGroupTests {
    @Test(arguments: TestBackend.all)
    func superGroupMessageIsPushedWithSuperGroupFlagsAndNotify(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let gid = try await server.createGroup(members: [1, 2, 3], isSuper: true)
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            let ack = try await alice.sendGroup(groupMessage(1, gid, "big news", msgID: 7))
            #expect(ack.status == .success)
            #expect(ack.flags == .superGroup, "a super group's ACK carries SUPER_GROUP")
            let metadata = try #require(ack.metadata)

            let pushed = try await bob.next { $0.frame.command == .groupIM }
            #expect(pushed.frame.flags == [.push, .superGroup])
            #expect(pushed.metadata == metadata, "one group queue: every member sees the same key")
            #expect(pushed.message?.msgID == 7)
            let notify = try await bob.next { $0.frame.command == .syncGroupNotify }
            #expect(notify.frame.pair! == (gid, metadata.syncKey))

            // Not in anyone's personal queue: read diffusion.
            #expect(try await bob.sync(from: 0).messages.isEmpty)
            let page = try await bob.syncGroup(gid, from: 0)
            #expect(page.beginKey == 0)
            #expect(page.messages.count == 1 && page.endKey == metadata.syncKey && !page.hasMore)
            #expect(page.messages[0].flags == [])
            #expect(try await alice.syncGroup(gid, from: 0).messages.first?.flags == .self)
            try await alice.close()
            try await bob.close()
        }
    }

    @Test(arguments: TestBackend.all)
    func syncGroupPagesPastAThousandMessages(backend: TestBackend) async throws {
        try await withTestServer(backend: backend, configure: { $0.session.syncBatchLimit = 400 }) { server in
            let gid = try await server.createGroup(members: [1, 2], isSuper: true)
            let alice = try await server.client(uid: 1)
            for index in 0..<1_100 {
                let ack = try await alice.sendGroup(groupMessage(1, gid, "m\(index)"))
                try #require(ack.status == .success)
            }
            let bob = try await server.client(uid: 2)
            var pages: [IMSyncResult] = []
            var key: Int64 = 0
            repeat {
                let page = try await bob.syncGroup(gid, from: key)
                pages.append(page)
                key = page.endKey
            } while pages.last!.hasMore
            #expect(pages.map(\.messages.count) == [400, 400, 300])
            let texts = pages.flatMap(\.messages).compactMap { $0.message() }.map { String(buffer: $0.content) }
            #expect(texts == (0..<1_100).map { "m\($0)" }, "every message once, oldest first")
            #expect(pages[0].moreKey! > pages[0].endKey)
            try await alice.close()
            try await bob.close()
        }
    }

    @Test(arguments: TestBackend.all)
    func keyZeroStartsAtTheMembersJoinTimeAndTheStoredGroupKey(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let gid = try await server.createGroup(members: [1, 2], isSuper: true)
            let alice = try await server.client(uid: 1)
            var keys: [Int64] = []
            for index in 0..<3 {
                keys.append(try await alice.sendGroup(groupMessage(1, gid, "m\(index)")).metadata!.syncKey)
            }
            // A member who joins (as the app server says) in the future has nothing before it from key 0;
            // from an explicit key the join time no longer filters.
            let future = Int64(Date().timeIntervalSince1970) + 3600
            let (status, _) = try await server.admin(
                "POST",
                "/groups/\(gid)/members",
                json: ["members": [3], "joined_at": future]
            )
            #expect(status == 200)
            let carol = try await server.client(uid: 3)
            #expect(try await carol.syncGroup(gid, from: 0).messages.isEmpty)
            #expect(try await carol.syncGroup(gid, from: keys[0]).messages.count == 2)

            // MSG_GROUP_SYNC_KEY is stored server-side and used for key 0.
            let bob = try await server.client(uid: 2)
            try await bob.write(.groupSyncKey, body: IMScalarBody.pair(gid, keys[1]))
            try await bob.ping()
            let resumed = try await bob.syncGroup(gid, from: 0)
            #expect(resumed.beginKey == keys[1])
            #expect(resumed.messages.compactMap { $0.message() }.map { String(buffer: $0.content) } == ["m2"])
            for client in [alice, bob, carol] { try await client.close() }
        }
    }

    @Test(arguments: TestBackend.all)
    func aSyncOfAGroupTheUserIsNotInIsIgnored(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let gid = try await server.createGroup(members: [1], isSuper: true)
            let outsider = try await server.client(uid: 9)
            await #expect(throws: IMClientError.self) { _ = try await outsider.syncGroup(gid, from: 0) }
            try await outsider.close()
        }
    }

    @Test(arguments: TestBackend.all)
    func upgradeAndSuperGroupNotifications(backend: TestBackend) async throws {
        try await withTestServer(backend: backend) { server in
            let gid = try await server.createGroup(members: [1, 2])
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            #expect(try await alice.sendGroup(groupMessage(1, gid, "before")).flags == [])
            var (status, json) = try await server.admin("POST", "/groups/\(gid)/upgrade")
            #expect(status == 200 && (json["data"] as? [String: Any])?["upgraded"] as? Bool == true)
            (status, json) = try await server.admin("POST", "/groups/\(gid)/upgrade")
            #expect((json["data"] as? [String: Any])?["upgraded"] as? Bool == false, "already super")
            let after = try await alice.sendGroup(groupMessage(1, gid, "after"))
            #expect(after.flags == .superGroup)
            _ = try await bob.next { $0.frame.command == .groupIM && $0.frame.flags.contains(.superGroup) }
            _ = try await bob.next { $0.frame.command == .syncGroupNotify }

            (status, _) = try await server.admin(
                "POST",
                "/post_group_notification",
                json: ["appid": 7, "group_id": gid, "notification": "notice!"]
            )
            #expect(status == 200)
            let notify = try await bob.next { $0.frame.command == .syncGroupNotify }
            #expect(notify.frame.pair?.0 == gid)
            #expect((notify.frame.pair?.1 ?? 0) > after.metadata!.syncKey)
            let (messages, _) = try await bob.syncGroupAll(gid, from: 0)
            #expect(messages.map(\.command) == [.groupIM, .groupNotification])
            #expect(String(buffer: messages[1].body) == "notice!")
            // The message from before the upgrade stays in the personal queue.
            #expect(
                try await bob.sync(from: 0).messages.compactMap { $0.message() }.map { String(buffer: $0.content) } == [
                    "before"
                ]
            )
            try await alice.close()
            try await bob.close()
        }
    }
}
