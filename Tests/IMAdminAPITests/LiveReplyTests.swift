import Foundation
import IMAdminClient
import IMCore
import IMTestSupport
import Testing

/// Every endpoint against a real server through `IMAdminClient`: the typed reply, written back, says
/// what the server's bytes said (nothing is lost or invented by the shared types), and every declared
/// method of every endpoint reaches a route.
@Suite("IMAdmin against a live server")
struct LiveReplyTests {
    static let token = "live-admin-token"

    /// Calls `endpoint`, checks the reply's round trip, probes its other methods, and returns the reply.
    /// `refusal` is the status expected instead of a 2xx.
    final class Checker: @unchecked Sendable {
        let client: IMAdminClient
        var checked: Set<ObjectIdentifier> = []

        init(client: IMAdminClient) {
            self.client = client
        }

        @discardableResult
        func check<Endpoint: IMAdminEndpoint>(
            _ endpoint: Endpoint.Type,
            _ request: Endpoint.Request,
            refusal: Int? = nil,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> Endpoint.Response? {
            checked.insert(ObjectIdentifier(endpoint))
            var result: Endpoint.Response?
            do {
                let (response, reply) = try await client.exchange(endpoint, request)
                #expect(refusal == nil, "\(endpoint) answered \(reply.status)", sourceLocation: sourceLocation)
                let written = try Endpoint.Reply.encode(response)
                if reply.body.isEmpty || !reply.isJSON {
                    #expect(written.bytes == reply.body || reply.body.isEmpty, sourceLocation: sourceLocation)
                } else {
                    #expect(
                        try SummaryCodingTests.sameJSON(written.bytes, reply.body),
                        "\(endpoint): \(reply.text) became \(String(decoding: written.bytes, as: UTF8.self))",
                        sourceLocation: sourceLocation
                    )
                }
                result = response
            } catch let error as IMAdminError {
                #expect(error.status == refusal, "\(endpoint): \(error)", sourceLocation: sourceLocation)
                #expect(IMAdminErrorReply.decode(error.reply?.body ?? []) != nil, sourceLocation: sourceLocation)
            }
            try await probe(endpoint, request, sourceLocation: sourceLocation)
            return result
        }

        /// Every method of the endpoint reaches its handler: a 2xx, or an error in the admin API's shape
        /// (a route the server lacks answers otherwise).
        private func probe<Endpoint: IMAdminEndpoint>(
            _ endpoint: Endpoint.Type,
            _ request: Endpoint.Request,
            sourceLocation: SourceLocation
        ) async throws {
            for method in endpoint.methods.dropFirst() {
                var outgoing = try IMAdminRequest(endpoint, request)
                outgoing.method = method
                do {
                    _ = try await client.send(outgoing)
                } catch {
                    #expect(
                        IMAdminErrorReply.decode(error.reply?.body ?? []) != nil,
                        "\(outgoing.line) is not routed: \(error)",
                        sourceLocation: sourceLocation
                    )
                }
            }
        }
    }

    @Test func everyEndpointsReplyReadsAndWritesBackTheSame() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = IMServerConfiguration.forTests(dataDirectory: directory.path, adminToken: Self.token)
        configuration.kefuAppID = 8
        try await withRunningServer(configuration) { _, addresses in
            var settings = IMAdminClientConfiguration(
                server: try IMAdminServerURL(parsing: "127.0.0.1:\(addresses.admin!.port)"),
                token: Self.token
            )
            settings.timeout = .seconds(60)
            try await IMAdminClient.withClient(settings) { client in
                let checker = Checker(client: client)
                let token = try #require(await checker.check(IMAdmin.TokenIssue.self, .init(appid: 7, uid: 1)))
                let alice = try await IMClient.connect(host: "127.0.0.1", port: addresses.client.port)
                #expect(try await alice.authenticate(token: token.token, deviceID: "d1", platform: .android, version: 2))
                try await Self.messages(checker)
                try await Self.groups(checker)
                try await Self.usersAndRelations(checker)
                try await Self.server(checker)
                try await alice.close()
                try await checker.check(IMAdmin.TokenRevoke.self, .init(token: token.token))
                let unchecked = IMAdmin.endpoints.filter { !checker.checked.contains(ObjectIdentifier($0)) }
                #expect(unchecked.isEmpty, "not called: \(unchecked)")
            }
        }
    }

    static func messages(_ checker: Checker) async throws {
        let content = Array(#"{"text":"hi"}"#.utf8)
        try await checker.check(IMAdmin.PostPeerMessage.self, .init(appid: 7, sender: 2, receiver: 1, content: content))
        try await checker.check(IMAdmin.PostSystemMessage.self, .init(appid: 7, content: "sys", receivers: [1]))
        try await checker.check(IMAdmin.PostRealtimeMessage.self, .init(appid: 7, sender: 2, receiver: 1, content: content))
        try await checker.check(IMAdmin.PostNotification.self, .init(appid: 7, uid: 1, content: content))
        try await checker.check(IMAdmin.PostRoomMessage.self, .init(appid: 7, uid: 1, room: 3, content: content))
        try await checker.check(
            IMAdmin.PostCustomerMessage.self,
            .init(senderAppID: 7, sender: 1, receiverAppID: 8, receiver: 5, content: "help")
        )
        try await checker.check(
            IMAdmin.PostGroupMessage.self,
            .init(appid: 7, sender: 1, receiver: 404, content: content),
            refusal: 404
        )
        let count = try #require(await checker.check(IMAdmin.GetOfflineCount.self, .init(appid: 7, uid: 1)))
        #expect(count.count >= 3)
        let latest = try #require(await checker.check(IMAdmin.LoadLatestMessage.self, .init(appid: 7, uid: 1, limit: 10)))
        #expect(latest.contains { $0.senderAppID == 7 && $0.receiverAppID == 8 }, "the customer message")
        try await checker.check(IMAdmin.LoadHistoryMessage.self, .init(appid: 7, uid: 1))
    }

    static func groups(_ checker: Checker) async throws {
        let created = try #require(
            await checker.check(IMAdmin.GroupCreate.self, .init(appid: 7, members: [1, 2], name: "g", notify: true))
        )
        let gid = created.groupID
        try await checker.check(IMAdmin.PostGroupMessage.self, .init(appid: 7, sender: 1, receiver: gid, content: [0x41]))
        try await checker.check(IMAdmin.PostGroupNotification.self, .init(appid: 7, groupID: gid, notification: "n"))
        try await checker.check(IMAdmin.GroupList.self, .init(appid: 7))
        try await checker.check(IMAdmin.GroupUpdate.self, .init(gid: gid, notice: "hello", notify: true))
        try await checker.check(IMAdmin.GroupAddMembers.self, .init(gid: gid, members: [3, 4], notify: true))
        let member = try #require(
            await checker.check(IMAdmin.GroupUpdateMember.self, .init(gid: gid, uid: 2, mute: true, nickname: "b"))
        )
        #expect(member.member?.mute == true)
        try await checker.check(IMAdmin.GroupRemoveMember.self, .init(gid: gid, uid: 4))
        try await checker.check(IMAdmin.GroupRemoveMembers.self, .init(gid: gid, members: [3, 9]))
        try await checker.check(IMAdmin.GroupUpgrade.self, .init(gid: gid))
        let group = try #require(await checker.check(IMAdmin.GroupInfo.self, .init(gid: gid)))
        #expect(group.isSuper && group.members.map(\.uid) == [1, 2])
        try await checker.check(IMAdmin.GroupDisband.self, .init(gid: gid, notify: true))
        try await checker.check(IMAdmin.GroupInfo.self, .init(gid: gid), refusal: 404)
    }

    static func usersAndRelations(_ checker: Checker) async throws {
        let online = try #require(await checker.check(IMAdmin.UsersOnline.self, .init(appid: 7, uids: [1, 2])))
        #expect(online.map(\.online) == [true, false] && online[0].sessions.first?.platform == "android")
        try await checker.check(IMAdmin.UserMute.self, .init(appid: 7, uid: 2))
        try await checker.check(IMAdmin.UserUnmute.self, .init(appid: 7, uid: 2))
        try await checker.check(IMAdmin.FriendAdd.self, .init(appid: 7, uid: 1, friendUID: 2))
        try await checker.check(IMAdmin.FriendList.self, .init(appid: 7, uid: 1))
        try await checker.check(IMAdmin.FriendRemove.self, .init(appid: 7, uid: 1, friendUID: 2, mutual: false))
        try await checker.check(IMAdmin.BlacklistAdd.self, .init(appid: 7, uid: 1, other: 3))
        try await checker.check(IMAdmin.BlacklistList.self, .init(appid: 7, uid: 1))
        try await checker.check(IMAdmin.BlacklistRemove.self, .init(appid: 7, uid: 1, other: 3))
        try await checker.check(IMAdmin.UserKick.self, .init(appid: 7, uid: 2))
    }

    static func server(_ checker: Checker) async throws {
        let summary = try #require(await checker.check(IMAdmin.Summary.self, .init(appid: 7)))
        #expect(summary.clientCount == 1 && summary.apps?[7]?.clientCount == 1)
        #expect(summary.requestedApp?.appID == 7 && summary.store?.backend == "log")
        #expect(summary.store?.details["fsync_policy"] != nil && summary.push == IMSummary.Push(enabled: false))
        try await checker.check(IMAdmin.Health.self, IMAdminNone())
        let metrics = try #require(await checker.check(IMAdmin.Metrics.self, IMAdminNone()))
        #expect(metrics.contains("im_clients 1"))
        try await checker.check(IMAdmin.Stack.self, IMAdminNone())
        try await checker.check(IMAdmin.StoreStats.self, IMAdminNone())
        let nodes = try #require(await checker.check(IMAdmin.Nodes.self, IMAdminNone()))
        #expect(nodes.count == 1 && nodes.first?.state == .live && nodes.first?.addresses.tcp != nil)
        let lookup = try #require(await checker.check(IMAdmin.Lookup.self, .init(appid: 7, uid: 1)))
        #expect(lookup == nodes.first?.addresses)
        try await checker.check(IMAdmin.StoreSnapshot.self, IMAdminNone())
        try await checker.check(IMAdmin.StoreCompact.self, IMAdminNone())
        try await checker.check(IMAdmin.StorePromote.self, IMAdminNone(), refusal: 409)
        try await checker.check(IMAdmin.WordsShow.self, IMAdminNone())
        try await checker.check(IMAdmin.WordsReload.self, IMAdminNone(), refusal: 409)
        try await checker.check(IMAdmin.Config.self, IMAdminNone())
        try await checker.check(IMAdmin.LogLevelShow.self, IMAdminNone())
        try await checker.check(IMAdmin.LogLevelSet.self, .init(level: "warning"))
    }
}
