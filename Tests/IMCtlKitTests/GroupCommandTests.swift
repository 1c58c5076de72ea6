import Foundation
import IMAdminClient
import IMCore
import IMCtlKit
import NIOCore
import Testing

/// The group, room, customer and word-list commands end to end against an in-process server, checked
/// through real clients where the change is visible to them.
@Suite("imctl group, room, customer and words commands")
struct GroupCommandTests {
    @Test func aGroupsWholeLife() async throws {
        try await withServer { server in
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)

            let (created, creation) = try await server.json(
                IMCtlOp.GroupCreate(appid: 7, members: [1, 2, 3], name: "Ops", notice: "be nice", groupID: 500)
            )
            #expect(created == .ok)
            #expect(creation["data"] == ["group_id": 500])
            let (_, createdText) = try await server.run(IMCtlOp.GroupCreate(appid: 7, members: [4], name: "Other"))
            #expect(createdText.stdout.hasPrefix("created group "), "\(createdText.stdout)")
            let (conflict, duplicate) = try await server.json(IMCtlOp.GroupCreate(appid: 7, members: [1], groupID: 500))
            #expect(conflict == .refused)
            #expect(duplicate["error"]?["status"] == 409)

            let (_, list) = try await server.run(IMCtlOp.GroupList(appid: 7))
            let rows = list.stdout.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true)
            }
            #expect(rows.first == ["GROUP", "NAME", "MASTER", "SUPER", "MEMBERS"])
            #expect(rows.contains(["500", "Ops", "1", "no", "3"]), "\(list.stdout)")
            let (_, everyApp) = try await server.json(IMCtlOp.GroupList())
            #expect(everyApp["data"]?.arrayValue?.count == 2)

            // Posting to the group reaches the other members.
            let (posted, _) = try await server.run(
                IMCtlOp.PostGroup(appid: 7, sender: 1, group: 500, content: IMCtlContent("hello group"))
            )
            #expect(posted == .ok)
            let delivered = try await bob.next { $0.frame.command == .groupIM }
            let message = try IMMessage(body: delivered.frame.body, version: 2, command: .groupIM)
            #expect(message.receiver == 500 && String(buffer: message.content) == "hello group")

            // Mute: the member's group messages are refused with 66; unmute lets them through.
            let (muted, muteText) = try await server.run(IMCtlOp.GroupMute(group: 500, uid: 2))
            #expect(muted == .ok && muteText.stdout == "muted 2 in group 500\n")
            let refused = try await bob.send(
                .groupIM,
                body: IMMessage(sender: 2, receiver: 500, msgID: 1, content: ByteBuffer(string: "x")).body(version: 2)
            )
            #expect(refused.status == .muted)
            _ = try await server.run(IMCtlOp.GroupUnmute(group: 500, uid: 2))
            let allowed = try await bob.send(
                .groupIM,
                body: IMMessage(sender: 2, receiver: 500, msgID: 2, content: ByteBuffer(string: "y")).body(version: 2)
            )
            #expect(allowed.status == .success)

            let (_, renamed) = try await server.run(IMCtlOp.GroupRename(group: 500, name: "Ops on call", notify: true))
            #expect(renamed.stdout == "renamed group 500 to \"Ops on call\"\n")
            let notification = try await alice.next { $0.frame.command == .syncNotify }
            #expect(notification.frame.command == .syncNotify)
            _ = try await server.run(IMCtlOp.GroupNotice(group: 500, notice: "standup at 10"))

            let (_, added) = try await server.run(IMCtlOp.GroupAdd(group: 500, members: [3, 4, 5]))
            #expect(added.stdout == "added 2 members to group 500: 4, 5 (1 already in it)\n")
            let (_, removed) = try await server.run(IMCtlOp.GroupRemove(group: 500, members: [5]))
            #expect(removed.stdout == "removed 1 member from group 500: 5\n")
            let (notMember, _) = try await server.json(IMCtlOp.GroupRemove(group: 500, members: [5]))
            #expect(notMember == .refused)
            let (_, several) = try await server.run(IMCtlOp.GroupRemove(group: 500, members: [4, 99]))
            #expect(several.stdout == "removed 1 member from group 500: 4 (1 not in it)\n")

            let (_, info) = try await server.json(IMCtlOp.GroupInfo(group: 500))
            #expect(info["data"]?["name"] == "Ops on call")
            #expect(info["data"]?["notice"] == "standup at 10")
            #expect(info["data"]?["members"]?.arrayValue?.map { $0["uid"] } == [1, 2, 3])
            let (_, infoText) = try await server.run(IMCtlOp.GroupInfo(group: 500))
            #expect(infoText.stdout.contains("member_count  3"), "\(infoText.stdout)")
            #expect(infoText.stdout.contains("UID  JOINED"), "\(infoText.stdout)")
            let (_, membersCSV) = try await server.run(IMCtlOp.GroupInfo(group: 500), format: .csv)
            #expect(membersCSV.stdout.hasPrefix("UID,JOINED,NICKNAME,MUTED\r\n1,"))

            let (_, transferred) = try await server.run(IMCtlOp.GroupTransfer(group: 500, uid: 2))
            #expect(transferred.stdout == "2 owns group 500 now\n")
            let (_, named) = try await server.json(IMCtlOp.GroupNickname(group: 500, uid: 3, nickname: "night shift"))
            #expect(named["data"]?["nickname"] == "night shift")
            let (_, owner) = try await server.json(IMCtlOp.GroupInfo(group: 500))
            #expect(owner["data"]?["master"] == 2)

            let (_, upgraded) = try await server.run(IMCtlOp.GroupUpgrade(group: 500))
            #expect(upgraded.stdout == "upgraded group 500 to a super group\n")
            let (_, again) = try await server.run(IMCtlOp.GroupUpgrade(group: 500))
            #expect(again.stdout == "group 500 is already a super group\n")

            let (_, groupNote) = try await server.run(
                IMCtlOp.PostNotification(appid: 7, group: 500, content: IMCtlContent("{\"n\":1}"))
            )
            #expect(groupNote.stdout == "posted a notification to group 500 (app 7)\n")

            let (disbanded, bye) = try await server.run(IMCtlOp.GroupDisband(group: 500))
            #expect(disbanded == .ok && bye.stdout == "disbanded group 500\n")
            let (gone, missing) = try await server.run(IMCtlOp.GroupInfo(group: 500))
            #expect(gone == .refused)
            #expect(missing.stderr.contains("refused (404): group_id: no group 500"))
            #expect(missing.stderr.contains("hint: no such endpoint or object"))
        }
    }

    @Test func roomMessagesAndTheUsersMuteFlag() async throws {
        try await withServer { server in
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            try await alice.enterRoom(77)
            try await bob.enterRoom(77)

            let (posted, text) = try await server.run(
                IMCtlOp.PostRoom(appid: 7, uid: 9, room: 77, content: IMCtlContent("from the app server"))
            )
            #expect(posted == .ok && text.stdout == "posted a room message from 9 to room 77 (app 7)\n")
            let received = try await bob.next { $0.frame.command == .roomIM }
            #expect(
                String(buffer: try IMRealtimeMessage(body: received.frame.body, command: .roomIM).content)
                    == "from the app server"
            )

            // `user mute` sets the speak-forbidden flag the server checks when the user speaks in a room.
            _ = try await server.run(IMCtlOp.UserMute(appid: 7, uid: 1))
            let room = IMRealtimeMessage(sender: 1, receiver: 77, content: ByteBuffer(string: "hi")).body()
            #expect(try await alice.send(.roomIM, body: room).status == .muted)
            _ = try await server.run(IMCtlOp.UserUnmute(appid: 7, uid: 1))
            #expect(try await alice.send(.roomIM, body: room).status == .success)
        }
    }

    @Test func customerMessagesAndTheWordList() async throws {
        let directory = NSTemporaryDirectory() + "/imctl-words-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let words = directory + "/words.txt"
        try "alpha\nbeta\n".write(toFile: words, atomically: true, encoding: .utf8)
        try await withServer(configure: {
            $0.kefuAppID = 8
            $0.wordFile = words
        }) { server in
            let customer = try await server.client(uid: 2)
            let (posted, text) = try await server.run(
                IMCtlOp.PostCustomer(
                    senderAppid: 8,
                    sender: 100,
                    receiverAppid: 7,
                    receiver: 2,
                    content: IMCtlContent("hi")
                )
            )
            #expect(posted == .ok, "\(text.stderr)")
            #expect(text.stdout == "posted a customer message from 100 (app 8) to 2 (app 7)\n")
            _ = try await customer.next { $0.frame.command == .syncNotify }

            let (refused, envelope) = try await server.json(
                IMCtlOp.PostCustomer(
                    senderAppid: 5,
                    sender: 1,
                    receiverAppid: 7,
                    receiver: 2,
                    content: IMCtlContent("x")
                )
            )
            #expect(refused == .refused)
            #expect(envelope["error"]?["status"] == 400)

            let (_, shown) = try await server.json(IMCtlOp.WordsShow())
            #expect(shown["data"] == ["file": .string(words), "words": 2])
            let (_, reload) = try await server.run(IMCtlOp.WordsReload())
            #expect(reload.stdout == "reloaded the word list: 2 words\n")
            try "alpha\nbeta\ngamma\n".write(toFile: words, atomically: true, encoding: .utf8)
            let (_, reloaded) = try await server.json(IMCtlOp.WordsReload())
            #expect(reloaded["data"] == ["words": 3])
        }
        try await withServer { server in
            let (code, envelope) = try await server.json(IMCtlOp.WordsReload())
            #expect(code == .refused)
            #expect(envelope["error"]?["status"] == 409)
        }
    }

    @Test func friendsAndBlacklistsDecideWhoMayWrite() async throws {
        try await withServer(configure: {
            $0.friendshipCheck = true
            $0.blacklistCheck = true
        }) { server in
            let alice = try await server.client(uid: 1)
            _ = try await server.client(uid: 2)
            func send() async throws -> IMMessageACK.Status {
                try await alice.send(
                    .im,
                    body: IMMessage(sender: 1, receiver: 2, msgID: 1, content: ByteBuffer(string: "x")).body(version: 2)
                ).status
            }
            #expect(try await send() != .success, "strangers may not write")

            let (added, text) = try await server.run(IMCtlOp.FriendAdd(appid: 7, uid: 1, friend: 2))
            #expect(added == .ok && text.stdout == "made 2 a friend of user 1 (app 7) (both ways)\n")
            let (_, again) = try await server.run(IMCtlOp.FriendAdd(appid: 7, uid: 1, friend: 2))
            #expect(again.stdout == "2 was already a friend of user 1 (app 7)\n")
            let (_, list) = try await server.run(IMCtlOp.FriendList(appid: 7, uid: 2))
            #expect(list.stdout == "1 friends of user 2 (app 7): 1\n")
            #expect(try await send() == .success)

            let (_, blocked) = try await server.run(IMCtlOp.BlacklistAdd(appid: 7, uid: 2, other: 1))
            #expect(blocked.stdout == "user 2 (app 7) blocks 1\n")
            #expect(try await send() != .success, "a blocked sender may not write")
            let (_, blacklist) = try await server.json(IMCtlOp.BlacklistList(appid: 7, uid: 2))
            #expect(blacklist["data"]?["blacklist"] == [1])
            _ = try await server.run(IMCtlOp.BlacklistRemove(appid: 7, uid: 2, other: 1))
            #expect(try await send() == .success)

            let (_, removed) = try await server.run(IMCtlOp.FriendRemove(appid: 7, uid: 1, friend: 2))
            #expect(removed.stdout == "2 is no longer a friend of user 1 (app 7) (both ways)\n")
            #expect(try await send() != .success)
        }
    }

    @Test func theExecutableManagesGroups() async throws {
        try await withServer { server in
            let environment = ["IMCTL_SERVER": server.url, "IMCTL_TOKEN": CtlServer.adminToken, "IMCTL_APPID": "7"]
            let create = try await Imctl.run(
                ["group", "create", "--group-id", "42", "--name", "x", "1", "2,3", "--json"],
                environment: environment
            )
            #expect(create.status == 0)
            #expect(try IMJSON(parsing: create.stdout)["data"] == ["group_id": 42])
            let list = try await Imctl.run(["group", "list", "--ndjson"], environment: environment)
            #expect(try IMJSON(parsing: list.stdout)["member_count"] == 3)
            let missing = try await Imctl.run(["group", "info", "43"], environment: environment)
            #expect(missing.status == 1)
            let batch = try await Imctl.run(
                ["batch"],
                environment: environment,
                stdin: #"{"command":"group add","group":42,"members":[4]}"# + "\n"
                    + #"{"command":"group mute","group":42,"uid":4}"#
            )
            #expect(batch.status == 0, "\(batch.stdout)")
            let info = try await Imctl.run(["group", "info", "42", "--json"], environment: environment)
            let members = try IMJSON(parsing: info.stdout)["data"]?["members"]?.arrayValue ?? []
            #expect(members.map { $0["mute"] } == [false, false, false, true])
        }
    }
}
