import IMAdminAPI
import Testing

/// Requests from a client's side to the server's: what `write(to:)` puts in HTTP reads back the same,
/// and what the server cannot read names the field.
@Suite("IMAdmin request coding")
struct RequestCodingTests {
    /// `request` written as a client does and read back as the server does (the JSON body re-parsed from
    /// its bytes, the path from the filled-in template).
    static func roundTrip<Endpoint: IMAdminEndpoint>(
        _ endpoint: Endpoint.Type,
        _ request: Endpoint.Request
    ) throws -> Endpoint.Request {
        var parts = IMAdminHTTPParts()
        try request.write(to: &parts)
        let filled = endpoint.path(filling: parts.pathParameters)
        // The server sees the parameters by their names in the template.
        var received = IMAdminHTTPParts(query: parts.query, body: parts.body)
        for (template, value) in zip(endpoint.path.split(separator: "/"), filled.split(separator: "/"))
        where template.hasPrefix(":") {
            received.pathParameters[String(template.dropFirst())] = String(value)
        }
        return try Endpoint.Request(reading: received)
    }

    static func check<Endpoint: IMAdminEndpoint>(
        _ endpoint: Endpoint.Type,
        _ request: Endpoint.Request
    ) throws where Endpoint.Request: Equatable {
        #expect(try roundTrip(endpoint, request) == request, "\(endpoint)")
    }

    @Test func everyKindOfRequestReadsBackAsWritten() throws {
        let bytes = Array("{\"text\":\"hi\"}".utf8)
        try Self.check(IMAdmin.PostPeerMessage.self, .init(appid: 7, sender: 1, receiver: 2, content: bytes))
        try Self.check(IMAdmin.PostRoomMessage.self, .init(appid: 7, uid: 1, room: 9, content: []))
        try Self.check(IMAdmin.PostNotification.self, .init(appid: 7, uid: 1, content: bytes))
        try Self.check(IMAdmin.PostSystemMessage.self, .init(appid: 7, content: "c", receivers: [1, 2]))
        try Self.check(
            IMAdmin.PostGroupNotification.self,
            .init(appid: 7, groupID: 9, notification: "n", isSuper: true, members: [3])
        )
        try Self.check(
            IMAdmin.PostCustomerMessage.self,
            .init(senderAppID: 7, sender: 1, receiverAppID: 8, receiver: 2, content: "c")
        )
        try Self.check(IMAdmin.GetOfflineCount.self, .init(appid: 7, uid: 1, syncKey: 4))
        try Self.check(IMAdmin.GetOfflineCount.self, .init(appid: 7, uid: 1))
        try Self.check(IMAdmin.LoadLatestMessage.self, .init(appid: 7, uid: 1, limit: 20))
        try Self.check(IMAdmin.LoadHistoryMessage.self, .init(appid: 7, uid: 1, lastID: 9))
        try Self.check(IMAdmin.TokenIssue.self, .init(appid: 7, uid: 1, ttl: 60))
        try Self.check(IMAdmin.TokenRevoke.self, .init(token: "t"))
        try Self.check(IMAdmin.UsersOnline.self, .init(appid: 7, uids: [1, 2], limit: 5))
        try Self.check(IMAdmin.UserKick.self, .init(appid: 7, uid: 1, deviceID: 3))
        try Self.check(IMAdmin.UserMute.self, .init(appid: 7, uid: 1))
        try Self.check(IMAdmin.GroupCreate.self, .init(appid: 7, members: [1, 2], isSuper: true, name: "n", notify: true))
        try Self.check(IMAdmin.GroupList.self, .init(appid: 7))
        try Self.check(IMAdmin.GroupList.self, .init())
        try Self.check(IMAdmin.GroupInfo.self, .init(gid: 5))
        try Self.check(IMAdmin.GroupUpdate.self, .init(gid: 5, name: "x", master: 3, notify: true))
        try Self.check(IMAdmin.GroupDisband.self, .init(gid: 5))
        try Self.check(IMAdmin.GroupUpgrade.self, .init(gid: 5, notify: true))
        try Self.check(IMAdmin.GroupAddMembers.self, .init(gid: 5, members: [3], joinedAt: 100, notify: true))
        try Self.check(IMAdmin.GroupRemoveMembers.self, .init(gid: 5, members: [3, 4]))
        try Self.check(IMAdmin.GroupRemoveMember.self, .init(gid: 5, uid: 3, notify: true))
        try Self.check(IMAdmin.GroupUpdateMember.self, .init(gid: 5, uid: 3, mute: true, nickname: "n"))
        try Self.check(IMAdmin.FriendAdd.self, .init(appid: 7, uid: 1, friendUID: 2, mutual: false))
        try Self.check(IMAdmin.BlacklistList.self, .init(appid: 7, uid: 1))
        try Self.check(IMAdmin.Summary.self, .init(appid: 7))
        try Self.check(IMAdmin.LogLevelSet.self, .init(level: "debug"))
        try Self.check(IMAdmin.Health.self, IMAdminNone())
    }

    @Test func optionalBodiesAreLeftOutAndNilsAreNotSent() throws {
        var parts = IMAdminHTTPParts()
        try IMAdmin.GroupAction(gid: 5).write(to: &parts)
        #expect(parts.body == nil && parts.pathParameters == ["gid": "5"])
        parts = IMAdminHTTPParts()
        try IMAdmin.TokenRequest(appid: 7, uid: 1).write(to: &parts)
        #expect(String(decoding: parts.body ?? [], as: UTF8.self) == #"{"appid":7,"uid":1}"#)
        parts = IMAdminHTTPParts()
        try IMAdmin.OnlineQuery(appid: 7, uids: [1, 2]).write(to: &parts)
        #expect(parts.query.map { "\($0.name)=\($0.value)" } == ["appid=7", "uid=1,2"])
    }

    @Test(arguments: [
        (IMAdminHTTPParts(query: [("uid", "1")]), "appid: missing"),
        (IMAdminHTTPParts(query: [("appid", "x"), ("uid", "1")]), "appid: must be an integer, got \"x\""),
        (IMAdminHTTPParts(query: [("appid", "7"), ("uid", "1,y")]), "uid: must be integers, got \"y\""),
    ])
    func queryProblemsNameTheParameter(_ parts: IMAdminHTTPParts, _ message: String) {
        #expect(throws: IMAdminProblem(status: 400, message)) { try IMAdmin.OnlineQuery(reading: parts) }
    }

    @Test func pathAndBodyProblemsNameTheField() {
        #expect(throws: IMAdminProblem(status: 400, "group_id: must be an integer, got \"abc\"")) {
            try IMAdmin.GroupRef(reading: IMAdminHTTPParts(pathParameters: ["gid": "abc"]))
        }
        let bad: [(String, String)] = [
            (#"{"uid":1}"#, "appid: missing"),
            (#"{"appid":"7","uid":1}"#, "appid: must be an integer"),
            (#"{"appid":null,"uid":1}"#, "appid: must be an integer, got null"),
            ("not json", "body: invalid json format"),
            ("", "body: invalid json format"),
        ]
        for (body, message) in bad {
            #expect(throws: IMAdminProblem(status: 400, message), "\(body)") {
                try IMAdmin.User(reading: IMAdminHTTPParts(body: Array(body.utf8), bodyIsJSON: true))
            }
        }
        #expect(throws: IMAdminProblem(status: 400, "members.[1]: must be an integer")) {
            try IMAdmin.MembersChange(
                reading: IMAdminHTTPParts(pathParameters: ["gid": "5"], body: Array(#"{"members":[1,"x"]}"#.utf8))
            )
        }
        #expect(throws: IMAdminProblem(status: 413, "body: larger than 1048576 bytes")) {
            try IMAdmin.User(reading: IMAdminHTTPParts(bodyLimit: 1 << 20))
        }
    }

    @Test func errorRepliesAreGoBelievesMeta() throws {
        let reply = IMAdminErrorReply(.badField("uid", "missing"))
        #expect(String(decoding: reply.encoded(), as: UTF8.self) == #"{"meta":{"code":400,"message":"uid: missing"}}"#)
        #expect(IMAdminErrorReply.decode(reply.encoded()) == reply)
        #expect(IMAdminErrorReply.decode(Array("<html>".utf8)) == nil)
    }
}
