import Foundation
import IMAdminClient
import IMCtlKit
import Testing

/// The command model without a server: what each operation sends, how batch lines become operations.
@Suite("imctl operations")
struct OperationTests {
    static let content = IMCtlContent("hi")

    /// Every operation in the catalog and the request it must send (method, target, body).
    static let requests: [(any IMCtlOperation, String, IMJSON?)] = [
        (
            IMCtlOp.PostPeer(appid: 7, sender: 1, receiver: 2, content: content),
            "POST /post_peer_message?appid=7&sender=1&receiver=2", "hi"
        ),
        (
            IMCtlOp.PostGroup(appid: 7, sender: 1, group: 9, content: content),
            "POST /post_group_message?appid=7&sender=1&receiver=9", "hi"
        ),
        (
            IMCtlOp.PostSystem(appid: 7, receivers: [1, 2], content: content), "POST /post_system_message",
            ["appid": 7, "receivers": [1, 2], "content": "hi"]
        ),
        (
            IMCtlOp.PostRoom(appid: 7, uid: 1, room: 5, content: content),
            "POST /post_room_message?appid=7&uid=1&room=5", "hi"
        ),
        (
            IMCtlOp.PostCustomer(senderAppid: 7, sender: 1, receiverAppid: 8, receiver: 2, content: content),
            "POST /post_customer_message",
            ["sender_appid": 7, "sender": 1, "receiver_appid": 8, "receiver": 2, "content": "hi"]
        ),
        (
            IMCtlOp.PostRealtime(appid: 7, sender: 1, receiver: 2, content: content),
            "POST /post_realtime_message?appid=7&sender=1&receiver=2", "hi"
        ),
        (IMCtlOp.PostNotification(appid: 7, uid: 3, content: content), "POST /post_notification?appid=7&uid=3", "hi"),
        (
            IMCtlOp.PostNotification(appid: 7, group: 9, content: content), "POST /post_group_notification",
            ["appid": 7, "group_id": 9, "notification": "hi"]
        ),
        (
            IMCtlOp.TokenIssue(appid: 7, uid: 1, ttl: IMCtlSeconds(60)), "POST /auth/token",
            ["appid": 7, "uid": 1, "ttl": 60]
        ),
        (IMCtlOp.TokenIssue(appid: 7, uid: 1), "POST /auth/token", ["appid": 7, "uid": 1]),
        (IMCtlOp.TokenRevoke(token: "t"), "DELETE /auth/token", ["token": "t"]),
        (IMCtlOp.UserKick(appid: 7, uid: 1, deviceID: 3), "POST /users/kick", ["appid": 7, "uid": 1, "device_id": 3]),
        (IMCtlOp.UserOnline(appid: 7, uids: [1, 2], limit: 5), "GET /users/online?appid=7&uid=1%2C2&limit=5", nil),
        (IMCtlOp.UserOnline(appid: 7), "GET /users/online?appid=7", nil),
        (IMCtlOp.UserMute(appid: 7, uid: 1), "POST /users/mute", ["appid": 7, "uid": 1]),
        (IMCtlOp.UserUnmute(appid: 7, uid: 1), "POST /users/unmute", ["appid": 7, "uid": 1]),
        (
            IMCtlOp.UserOfflineCount(appid: 7, uid: 1, syncKey: 4), "GET /get_offline_count?appid=7&uid=1&sync_key=4",
            nil
        ),
        (IMCtlOp.UserHistory(appid: 7, uid: 1), "GET /load_history_message?appid=7&uid=1&last_id=0", nil),
        (IMCtlOp.UserLatest(appid: 7, uid: 1), "GET /load_latest_message?appid=7&uid=1&limit=20", nil),
        (
            IMCtlOp.GroupCreate(appid: 7, members: [1, 2], isSuper: true, name: "n", groupID: 5, master: 2),
            "POST /groups",
            ["appid": 7, "members": [1, 2], "super": true, "name": "n", "group_id": 5, "master": 2]
        ),
        (IMCtlOp.GroupCreate(appid: 7, members: [1]), "POST /groups", ["appid": 7, "members": [1], "super": false]),
        (IMCtlOp.GroupDisband(group: 5), "DELETE /groups/5", nil),
        (IMCtlOp.GroupDisband(group: 5, notify: true), "DELETE /groups/5", ["notify": true]),
        (IMCtlOp.GroupInfo(group: 5), "GET /groups/5", nil),
        (IMCtlOp.GroupList(appid: 7), "GET /groups?appid=7", nil),
        (IMCtlOp.GroupList(), "GET /groups", nil),
        (IMCtlOp.GroupAdd(group: 5, members: [3, 4]), "POST /groups/5/members", ["members": [3, 4]]),
        (
            IMCtlOp.GroupAdd(group: 5, members: [3], notify: true), "POST /groups/5/members",
            ["members": [3], "notify": true]
        ),
        (IMCtlOp.GroupRemove(group: 5, members: [3]), "DELETE /groups/5/members/3", nil),
        (
            IMCtlOp.GroupRemove(group: 5, members: [3, 4], notify: true), "DELETE /groups/5/members",
            ["members": [3, 4], "notify": true]
        ),
        (IMCtlOp.GroupMute(group: 5, uid: 3), "PATCH /groups/5/members/3", ["mute": true]),
        (IMCtlOp.GroupUnmute(group: 5, uid: 3), "PATCH /groups/5/members/3", ["mute": false]),
        (IMCtlOp.GroupUpgrade(group: 5), "POST /groups/5/upgrade", nil),
        (IMCtlOp.GroupUpgrade(group: 5, notify: true), "POST /groups/5/upgrade", ["notify": true]),
        (IMCtlOp.GroupRename(group: 5, name: "x y"), "PATCH /groups/5", ["name": "x y"]),
        (IMCtlOp.GroupRename(group: 5, name: "x", notify: true), "PATCH /groups/5", ["name": "x", "notify": true]),
        (IMCtlOp.GroupNotice(group: 5, notice: "n"), "PATCH /groups/5", ["notice": "n"]),
        (IMCtlOp.GroupTransfer(group: 5, uid: 3), "PATCH /groups/5", ["master": 3]),
        (IMCtlOp.GroupNickname(group: 5, uid: 3, nickname: "n"), "PATCH /groups/5/members/3", ["nickname": "n"]),
        (
            IMCtlOp.FriendAdd(appid: 7, uid: 1, friend: 2), "POST /friends",
            ["appid": 7, "uid": 1, "friend_uid": 2, "mutual": true]
        ),
        (
            IMCtlOp.FriendRemove(appid: 7, uid: 1, friend: 2, oneWay: true), "DELETE /friends",
            ["appid": 7, "uid": 1, "friend_uid": 2, "mutual": false]
        ),
        (IMCtlOp.FriendList(appid: 7, uid: 1), "GET /friends?appid=7&uid=1", nil),
        (IMCtlOp.BlacklistAdd(appid: 7, uid: 1, other: 2), "POST /blacklist", ["appid": 7, "uid": 1, "other": 2]),
        (IMCtlOp.BlacklistRemove(appid: 7, uid: 1, other: 2), "DELETE /blacklist", ["appid": 7, "uid": 1, "other": 2]),
        (IMCtlOp.BlacklistList(appid: 7, uid: 1), "GET /blacklist?appid=7&uid=1", nil),
        (IMCtlOp.WordsReload(), "POST /words/reload", nil),
        (IMCtlOp.WordsShow(), "GET /words", nil),
        (IMCtlOp.StoreStats(), "GET /store/stats", nil),
        (IMCtlOp.StoreSnapshot(), "POST /store/snapshot", nil),
        (IMCtlOp.StoreCompact(), "POST /store/compact", nil),
        (IMCtlOp.StorePromote(), "POST /store/promote", nil),
        (IMCtlOp.Summary(appid: 7), "GET /summary?appid=7", nil),
        (IMCtlOp.ClusterNodes(), "GET /nodes", nil),
        (IMCtlOp.ClusterLookup(appid: 7, uid: 42), "GET /lookup?appid=7&uid=42", nil),
        (IMCtlOp.ConfigShow(), "GET /config", nil),
        (IMCtlOp.LogLevel(), "GET /log-level", nil),
        (IMCtlOp.LogLevel(level: "debug"), "PUT /log-level", ["level": "debug"]),
        (IMCtlOp.Metrics(), "GET /metrics", nil),
        (IMCtlOp.Stack(), "GET /stack", nil),
    ]

    @Test func eachOperationSendsItsRequest() throws {
        for (operation, line, body) in Self.requests {
            let request = try operation.request()
            #expect(request.line == line, "\(type(of: operation).command)")
            switch request.body {
            case .json(let json): #expect(json == body, "\(line)")
            case .bytes(let bytes): #expect(body == .string(String(decoding: bytes, as: UTF8.self)), "\(line)")
            case nil: #expect(body == nil, "\(line)")
            }
        }
        let covered = Set(Self.requests.map { type(of: $0.0).command })
        #expect(covered == Set(IMCtlCatalog.operations.map(\.command)), "every catalog operation has a row")
    }

    /// The same operations from batch lines: every declared field decodes into the same request.
    @Test func batchLinesBuildTheSameRequests() throws {
        let lines: [(String, String)] = [
            (
                #"{"command":"post peer","appid":7,"sender":1,"receiver":2,"content":"hi"}"#,
                "POST /post_peer_message?appid=7&sender=1&receiver=2"
            ),
            (
                #"{"command":"post  system","appid":7,"receivers":[1,2],"content":"hi","id":"x"}"#,
                "POST /post_system_message"
            ),
            (
                #"{"command":"post customer","sender_appid":7,"sender":1,"receiver_appid":8,"receiver":2,"content":"c"}"#,
                "POST /post_customer_message"
            ),
            (#"{"command":"post notification","appid":7,"group":9,"content":"n"}"#, "POST /post_group_notification"),
            (#"{"command":"token issue","appid":7,"uid":1,"ttl":"1h"}"#, "POST /auth/token"),
            (#"{"command":"user kick","appid":7,"uid":1,"device_id":3}"#, "POST /users/kick"),
            (
                #"{"command":"user online","appid":7,"uids":[1,2],"limit":3}"#,
                "GET /users/online?appid=7&uid=1%2C2&limit=3"
            ),
            (#"{"command":"user online","appid":7}"#, "GET /users/online?appid=7"),
            (
                #"{"command":"user offline-count","appid":7,"uid":1,"sync_key":4}"#,
                "GET /get_offline_count?appid=7&uid=1&sync_key=4"
            ),
            (
                #"{"command":"user history","appid":7,"uid":1,"last_id":9}"#,
                "GET /load_history_message?appid=7&uid=1&last_id=9"
            ),
            (#"{"command":"user latest","appid":7,"uid":1}"#, "GET /load_latest_message?appid=7&uid=1&limit=20"),
            (
                #"{"command":"group create","appid":7,"members":[1],"super":true,"name":"n","group_id":5,"master":1}"#,
                "POST /groups"
            ),
            (#"{"command":"group remove","group":5,"members":[3]}"#, "DELETE /groups/5/members/3"),
            (#"{"command":"group add","group":5,"members":[3],"notify":true}"#, "POST /groups/5/members"),
            (#"{"command":"group list"}"#, "GET /groups"),
            (#"{"command":"group rename","group":5,"name":"x"}"#, "PATCH /groups/5"),
            (#"{"command":"words reload"}"#, "POST /words/reload"),
            (#"{"command":"friend remove","appid":7,"uid":1,"friend":2,"one_way":true}"#, "DELETE /friends"),
            (#"{"command":"blacklist add","appid":7,"uid":1,"other":2}"#, "POST /blacklist"),
            (#"{"command":"blacklist list","appid":7,"uid":1}"#, "GET /blacklist?appid=7&uid=1"),
            (#"{"command":"summary","appid":7}"#, "GET /summary?appid=7"),
            (#"{"command":"log-level","level":"info"}"#, "PUT /log-level"),
        ]
        for (line, expected) in lines {
            let (operation, _) = try IMCtlBatch.parse(line)
            #expect(try operation.request().line == expected, "\(line)")
        }
        let (ttl, id) = try IMCtlBatch.parse(#"{"command":"token issue","appid":7,"uid":1,"ttl":"1h","id":{"n":1}}"#)
        #expect(try ttl.request().body == .json(["appid": 7, "uid": 1, "ttl": 3600]))
        #expect(id == ["n": 1])
    }

    @Test(arguments: [
        (#"not json"#, "not JSON"),
        (#"[1,2]"#, "each line must be a JSON object"),
        (#"{"appid":7}"#, "command: missing"),
        (#"{"command":7}"#, "command: must be a string"),
        (#"{"command":"user teleport","appid":7}"#, "command: unknown command \"user teleport\""),
        (#"{"command":"health"}"#, "command: unknown command \"health\""),
        (
            #"{"command":"post peer","appid":7,"sender":1,"reciever":2,"content":"x"}"#,
            "reciever: not a field of \"post peer\""
        ),
        (#"{"command":"post peer","appid":7,"sender":1,"content":"x"}"#, "receiver: missing"),
        (#"{"command":"post peer","appid":"7","sender":1,"receiver":2,"content":"x"}"#, "appid: must be an integer"),
        (
            #"{"command":"post system","appid":7,"receivers":[1,"x"],"content":"x"}"#,
            "receivers.[1]: must be an integer"
        ),
        (#"{"command":"post system","appid":7,"receivers":[],"content":"x"}"#, "receivers: give at least one uid"),
        (#"{"command":"post notification","appid":7,"content":"x"}"#, "give either uid"),
        (#"{"command":"token issue","appid":7,"uid":1,"ttl":"soon"}"#, "ttl: must be seconds or a duration"),
        (#"{"command":"group create","appid":7,"members":[1],"super":"yes"}"#, "super: must be true or false"),
    ])
    func aBadBatchLineNamesWhatIsWrong(line: String, message: String) {
        do {
            let (operation, _) = try IMCtlBatch.parse(line)
            _ = try operation.request()
            Issue.record("\(line) was accepted")
        } catch {
            #expect(error.code == "usage")
            #expect(error.exitCode == .usage)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test func contentComesFromTheArgumentAFileOrStdin() throws {
        let io = IMCtlIO.capturing(stdin: "from stdin\n")
        #expect(try IMCtlContent.read("plain", io: io).bytes == Array("plain".utf8))
        #expect(try IMCtlContent.read("-", io: io).bytes == Array("from stdin\n".utf8))
        let path = NSTemporaryDirectory() + "/imctl-content-\(getpid())"
        let bytes: [UInt8] = [0, 1, 2, 255]
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try IMCtlContent.read("@" + path, io: io).bytes == bytes)
        #expect(throws: IMCtlFailure.usage("content: cannot read /nonexistent: no such file")) {
            try IMCtlContent.read("@/nonexistent", io: io)
        }
        #expect(throws: IMCtlFailure.usage("content: not valid UTF-8 text (this endpoint takes a JSON string)")) {
            try IMCtlOp.PostSystem(appid: 7, receivers: [1], content: IMCtlContent(bytes: bytes)).request()
        }
    }

    @Test(arguments: [
        ("10", 10_000), ("500ms", 500), ("1.5s", 1500), ("2m", 120_000), ("1h", 3_600_000), ("7d", 604_800_000),
    ])
    func durations(text: String, milliseconds: Int64) {
        #expect(IMCtlDuration.parse(text) == .milliseconds(milliseconds))
    }

    @Test func badDurationsAndSizes() {
        for text in ["", "0", "-1s", "1w", "s", "1.5.2s"] { #expect(IMCtlDuration.parse(text) == nil, "\(text)") }
        #expect(IMCtlSize.parse("512MiB") == 512 << 20)
        #expect(IMCtlSize.parse("2GB") == 2_000_000_000)
        #expect(IMCtlSize.parse("1000") == 1000)
        #expect(IMCtlSize.parse("12 parsecs") == nil)
        #expect(IMCtlIDList(argument: "1,2,3")?.ids == [1, 2, 3])
        #expect(IMCtlIDList(argument: "1,,2") == nil)
        #expect(IMCtlIDList(argument: "x") == nil)
    }
}
