import Foundation
import IMAdminClient
import IMCore
import IMCtlKit
import NIOCore
import Testing

/// Every server-independent failure and every non-group command, end to end against an in-process
/// server: the output of each format and the exit code.
@Suite("imctl commands against a server")
struct CommandTests {
    @Test func tokenIssueAndRevoke() async throws {
        try await withServer { server in
            let (code, io) = try await server.run(IMCtlOp.TokenIssue(appid: 7, uid: 42, ttl: IMCtlSeconds(3600)))
            #expect(code == .ok)
            let token = io.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.count >= 20 && !token.contains(" "), "text output is the token alone: \(io.stdout)")
            let client = try await IMClient.connect(host: "127.0.0.1", port: server.addresses.client.port)
            #expect(try await client.authenticate(token: token, deviceID: "d"))

            let (revoked, envelope) = try await server.json(IMCtlOp.TokenRevoke(token: token))
            #expect(revoked == .ok)
            #expect(envelope["data"]?["revoked"] == true)
            #expect(envelope["error"] == .null)
            let again = try await IMClient.connect(host: "127.0.0.1", port: server.addresses.client.port)
            #expect(try await again.authenticate(token: token, deviceID: "d") == false)
            let (_, text) = try await server.run(IMCtlOp.TokenRevoke(token: token))
            #expect(text.stdout == "no such token: never issued, already revoked or expired\n")
        }
    }

    @Test func postPeerSystemNotificationRealtime() async throws {
        try await withServer { server in
            let bob = try await server.client(uid: 2)
            let (peer, io) = try await server.run(
                IMCtlOp.PostPeer(appid: 7, sender: 1, receiver: 2, content: IMCtlContent(#"{"text":"hi"}"#))
            )
            #expect(peer == .ok)
            #expect(io.stdout == "posted a peer message from 1 to 2 (app 7, 13 bytes)\n")
            _ = try await bob.next { $0.frame.command == .syncNotify }

            let (system, envelope) = try await server.json(
                IMCtlOp.PostSystem(appid: 7, receivers: [2, 3], content: IMCtlContent("maintenance"))
            )
            #expect(system == .ok)
            #expect(envelope == ["ok": true, "data": nil, "error": nil])
            _ = try await bob.next { $0.frame.command == .syncNotify }
            let synced = try await bob.syncAll(from: 0)
            #expect(synced.messages.map(\.command) == [.im, .system])

            let (notification, _) = try await server.run(
                IMCtlOp.PostNotification(appid: 7, uid: 2, content: IMCtlContent("ding"))
            )
            #expect(notification == .ok)
            #expect(String(buffer: try await bob.next { $0.frame.command == .notification }.frame.body) == "ding")

            let (realtime, _) = try await server.run(
                IMCtlOp.PostRealtime(appid: 7, sender: 9, receiver: 2, content: IMCtlContent("rt"))
            )
            #expect(realtime == .ok)
            _ = try await bob.next { $0.frame.command == .rt }

            let (latest, table) = try await server.run(IMCtlOp.UserLatest(appid: 7, uid: 2, limit: 10))
            #expect(latest == .ok)
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("CONTENT") == true)
            #expect(lines.count == 2, "the system message has no history object (GoBelieve's shape): \(table.stdout)")
            #expect(lines.last?.contains(#"{"text":"hi"}"#) == true)
        }
    }

    @Test func aRefusalExitsOneWithTheServersMessage() async throws {
        try await withServer { server in
            let (code, io) = try await server.run(
                IMCtlOp.PostSystem(appid: 7, receivers: [1], content: IMCtlContent(""))
            )
            #expect(code == .refused)
            #expect(io.stdout.isEmpty)
            #expect(
                io.stderr.contains(
                    "imctl: \(server.url): POST /post_system_message: refused (400): content: must not be empty"
                )
            )

            let (json, envelope) = try await server.json(IMCtlOp.UserLatest(appid: 7, uid: 1, limit: 0))
            #expect(json == .refused)
            #expect(envelope["data"] == .null)
            #expect(envelope["error"]?["code"] == "refused")
            #expect(envelope["error"]?["status"] == 400)
            #expect(envelope["error"]?["message"]?.stringValue?.hasSuffix("limit: must be in 1...10000") == true)
        }
    }

    @Test func aBadTokenExitsFourAndSaysWhereTheTokenCameFrom() async throws {
        try await withServer { server in
            let (code, io) = try await server.run(IMCtlOp.StoreStats(), connection: ["--token", "wrong"])
            #expect(code == .authFailed)
            #expect(io.stderr.contains("imctl: warning: --token shows the admin token"))
            #expect(io.stderr.contains("authentication failed (401): Authorization: wrong admin token"))
            #expect(io.stderr.contains("hint: the token given with --token is not the server's admin_token"))

            let (none, envelope) = try await server.json(IMCtlOp.ConfigShow(), connection: [])
            #expect(none == .authFailed)
            #expect(envelope["error"]?["code"] == "auth_failed")
            let (_, hinted) = try await server.run(IMCtlOp.ConfigShow(), connection: [])
            #expect(hinted.stderr.contains("no admin token was given: set IMCTL_TOKEN"))
        }
    }

    @Test func anUnreachableServerExitsThree() async throws {
        let port = closedPort()
        let io = IMCtlIO.capturing()
        let connection = try IMCtlConnectionOptions.parse(["--server", "127.0.0.1:\(port)"])
        let output = try IMCtlOutputOptions.parse(["--json"])
        let code = await IMCtlRunner.run(connection: connection, output: output, io: io) { IMCtlOp.Summary() }
        #expect(code == .unreachable)
        let envelope = try IMJSON(parsing: io.stdout)
        #expect(envelope["ok"] == false)
        #expect(envelope["error"]?["code"] == "unreachable")
        let message = try #require(envelope["error"]?["message"]?.stringValue)
        #expect(
            message.hasPrefix("http://127.0.0.1:\(port): GET /summary: cannot connect: connection refused"),
            "\(message)"
        )

        let text = IMCtlIO.capturing()
        _ = await IMCtlRunner.run(connection: connection, output: try .parse([]), io: text) { IMCtlOp.Summary() }
        #expect(text.stderr.contains("hint: is the server running, with admin_listen at this address?"))
    }

    @Test func aClustersNodesAreTriedInOrderWhileOneIsUnreachable() async throws {
        try await withServer { server in
            let down = "127.0.0.1:\(closedPort())"
            let io = IMCtlIO.capturing()
            let connection = try IMCtlConnectionOptions.parse([
                "--server", "\(down),\(server.url)", "--token-file", server.tokenFile,
            ])
            // A POST too: the unreachable node never got it, so the next one does, once.
            let code = await IMCtlRunner.run(connection: connection, output: try .parse(["--json"]), io: io) {
                IMCtlOp.UserKick(appid: 7, uid: 42)
            }
            #expect(code == .ok, "\(io.stdout)\(io.stderr)")
            #expect(try IMJSON(parsing: io.stdout)["data"]?["kicked"] == 0)

            let allDown = IMCtlIO.capturing()
            let bothDown = try IMCtlConnectionOptions.parse(["--server", "\(down),127.0.0.1:\(closedPort())"])
            let refused = await IMCtlRunner.run(connection: bothDown, output: try .parse([]), io: allDown) {
                IMCtlOp.Summary()
            }
            #expect(refused == .unreachable)
            let bad = IMCtlIO.capturing()
            let empty = try IMCtlConnectionOptions.parse(["--server", ","])
            #expect(await IMCtlRunner.run(connection: empty, output: try .parse([]), io: bad) { IMCtlOp.Summary() } == .usage)
        }
    }

    @Test func aSilentServerTimesOutWithExitThree() async throws {
        let listener = SilentListener()
        let io = IMCtlIO.capturing()
        let connection = try IMCtlConnectionOptions.parse([
            "--server", "127.0.0.1:\(listener.port)", "--timeout", "300ms",
        ])
        let code = await IMCtlRunner.run(connection: connection, output: try .parse(["--json"]), io: io) {
            IMCtlOp.Summary()
        }
        #expect(code == .unreachable)
        let envelope = try IMJSON(parsing: io.stdout)
        #expect(envelope["error"]?["code"] == "timeout")
        #expect(envelope["error"]?["message"]?.stringValue?.contains("within 300 ms") == true)
    }

    @Test func usageErrorsSendNothingAndExitTwo() async throws {
        let io = IMCtlIO.capturing()
        let bad = try IMCtlConnectionOptions.parse(["--server", "ftp://x"])
        let code = await IMCtlRunner.run(connection: bad, output: try .parse([]), io: io) { IMCtlOp.Summary() }
        #expect(code == .usage)
        #expect(io.stderr.contains("--server: server URL \"ftp://x\": the scheme must be http or https"))

        let missing = IMCtlIO.capturing()
        let file = try IMCtlConnectionOptions.parse(["--token-file", "/nonexistent/token"])
        #expect(
            await IMCtlRunner.run(connection: file, output: try .parse([]), io: missing) { IMCtlOp.Summary() } == .usage
        )
        #expect(missing.stderr.contains("cannot read the token file /nonexistent/token: no such file"))

        let appless = IMCtlIO.capturing()
        let app = try IMCtlAppOption.parse([])
        let code3 = await IMCtlRunner.run(connection: try .parse([]), output: try .parse(["--json"]), io: appless) {
            () throws(IMCtlFailure) in IMCtlOp.UserMute(appid: try app.resolve(io: appless), uid: 1)
        }
        #expect(code3 == .usage)
        #expect(try IMJSON(parsing: appless.stdout)["error"]?["message"] == "--appid: missing")
    }

    @Test func userOnlineKickMuteAndCounts() async throws {
        try await withServer { server in
            let phone = try await server.client(uid: 42, device: "phone", platform: .android)
            _ = try await server.client(uid: 42, device: "laptop", platform: .web)

            let (code, io) = try await server.run(IMCtlOp.UserOnline(appid: 7, uids: [42, 43]))
            #expect(code == .ok)
            let rows = io.stdout.split(separator: "\n").map(String.init)
            #expect(rows.count == 4, "\(io.stdout)")
            #expect(rows[0].hasPrefix("UID") && rows[0].contains("PLATFORM") && rows[0].contains("ADDRESS"))
            #expect(rows[1].hasPrefix("42") && rows[1].contains("android") && rows[1].contains("127.0.0.1:"))
            #expect(rows[2].hasPrefix("42") && rows[2].contains("web"))
            #expect(rows[3].hasPrefix("43") && rows[3].contains("no"))

            let (_, csv) = try await server.run(IMCtlOp.UserOnline(appid: 7, uids: [42]), format: .csv)
            #expect(
                csv.stdout.hasPrefix(
                    "UID,ONLINE,MUTED,SESSION,DEVICE,PLATFORM,VERSION,ADDRESS,LOGGED IN,IDLE S,HELD\r\n"
                )
            )
            #expect(csv.stdout.split(separator: "\r\n").count == 3)

            let (_, ndjson) = try await server.run(IMCtlOp.UserOnline(appid: 7, uids: [42, 43]), format: .ndjson)
            let lines = try ndjson.stdout.split(separator: "\n").map { try IMJSON(parsing: String($0)) }
            #expect(lines.map { $0["uid"] } == [42, 43])
            #expect(lines[0]["sessions"]?.arrayValue?.count == 2)

            let (muted, mute) = try await server.run(IMCtlOp.UserMute(appid: 7, uid: 42))
            #expect(muted == .ok && mute.stdout == "muted user 42 (app 7)\n")
            let (_, again) = try await server.run(IMCtlOp.UserMute(appid: 7, uid: 42))
            #expect(again.stdout == "user 42 (app 7) was already muted\n")
            let (_, state) = try await server.json(IMCtlOp.UserOnline(appid: 7, uids: [42]))
            #expect(state["data"]?[0]?["forbidden"] == true)
            let (_, unmute) = try await server.run(IMCtlOp.UserUnmute(appid: 7, uid: 42))
            #expect(unmute.stdout == "unmuted user 42 (app 7)\n")

            let (kicked, kick) = try await server.run(IMCtlOp.UserKick(appid: 7, uid: 42))
            #expect(kicked == .ok)
            #expect(kick.stdout == "kicked 2 sessions of user 42 (app 7)\n")
            try await phone.waitUntilClosed()

            _ = try await server.run(IMCtlOp.PostPeer(appid: 7, sender: 1, receiver: 42, content: IMCtlContent("a")))
            let (_, count) = try await server.json(IMCtlOp.UserOfflineCount(appid: 7, uid: 42))
            #expect(count["data"] == ["count": 1])
            let (_, countText) = try await server.run(IMCtlOp.UserOfflineCount(appid: 7, uid: 42))
            #expect(countText.stdout == "1 message for user 42 (app 7) after its stored sync key\n")
            let (_, history) = try await server.run(IMCtlOp.UserHistory(appid: 7, uid: 42), format: .ndjson)
            let message = try IMJSON(parsing: history.stdout)
            #expect(message["sender"] == 1 && message["receiver"] == 42 && message["content"] == "a")
            let lastID = try #require(message["id"]?.intValue)
            let (_, after) = try await server.json(IMCtlOp.UserHistory(appid: 7, uid: 42, lastID: lastID))
            #expect(after["data"] == [])
        }
    }

    @Test func serverCommands() async throws {
        try await withServer { server in
            let (summaryCode, summary) = try await server.run(IMCtlOp.Summary(appid: 7))
            #expect(summaryCode == .ok)
            #expect(summary.stdout.contains("app_7.client_count"))
            #expect(summary.stdout.contains("store.fsync_policy"))
            #expect(
                summary.stdout.split(separator: "\n").contains {
                    $0.hasPrefix("version ") && $0.hasSuffix(IMServer.version)
                }
            )

            let (_, stats) = try await server.json(IMCtlOp.StoreStats())
            #expect(stats["data"]?["fsync_policy"] == "none")

            let (snapshotCode, snapshot) = try await server.run(IMCtlOp.StoreSnapshot())
            #expect(snapshotCode == .ok)
            #expect(snapshot.stdout.hasPrefix("wrote the index snapshot: "), "\(snapshot.stdout)")

            let (_, config) = try await server.run(IMCtlOp.ConfigShow())
            let configLines = config.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(configLines.contains(["admin_token", "<redacted>"]), "\(config.stdout)")
            #expect(configLines.contains(["storage.fsync", "none"]))
            #expect(!config.stdout.contains(CtlServer.adminToken))

            let (_, level) = try await server.run(IMCtlOp.LogLevel())
            #expect(level.stdout == "warning\n")
            let (_, set) = try await server.run(IMCtlOp.LogLevel(level: "debug"))
            #expect(set.stdout == "log level: debug (was warning)\n")
            #expect(server.server.logLevel == .debug)
            let (bad, badLevel) = try await server.json(IMCtlOp.LogLevel(level: "loud"))
            #expect(bad == .refused)
            #expect(badLevel["error"]?["message"]?.stringValue?.contains("level: must be one of") == true)

            let (_, metrics) = try await server.run(IMCtlOp.Metrics())
            #expect(metrics.stdout.contains("im_connections"))
            let (_, stack) = try await server.run(IMCtlOp.Stack(), format: .json)
            #expect(try IMJSON(parsing: stack.stdout)["data"]?.stringValue?.contains("== threads ==") == true)
            let (_, raw) = try await server.run(IMCtlOp.Summary(), format: .raw)
            #expect(try IMJSON(parsing: raw.stdout)["connection_count"] == 0)
        }
    }

    @Test func verboseShowsTheExchangeWithTheTokenRedacted() async throws {
        try await withServer { server in
            let io = IMCtlIO.capturing()
            let code = await IMCtlRunner.run(
                connection: try server.connection(),
                output: try .parse(["--verbose"]),
                io: io
            ) { IMCtlOp.UserKick(appid: 7, uid: 5) }
            #expect(code == .ok)
            #expect(io.stderr.contains("> POST /users/kick HTTP/1.1"))
            #expect(io.stderr.contains("> Authorization: Bearer <redacted>"))
            #expect(!io.stderr.contains(CtlServer.adminToken))
            #expect(io.stderr.contains(#"> {"appid":7,"uid":5}"#))
            #expect(io.stderr.contains("< HTTP 200 OK"))
            #expect(io.stderr.contains(#"< {"data":{"kicked":0}}"#))
        }
    }

    @Test func healthIsNagiosShaped() async throws {
        try await withServer { server in
            let io = IMCtlIO.capturing()
            let status = await IMCtlHealth.run(
                thresholds: .init(),
                connection: try server.connection([]),
                output: try .parse([]),
                io: io
            )
            #expect(status == .ok)
            #expect(io.stdout.hasPrefix("IM OK - "), "\(io.stdout)")
            #expect(io.stdout.contains(" | connections=0;;;0 users=0;;;0 rss="))

            var tight = IMCtlHealth.Thresholds()
            tight.warningRSS = 1
            let warned = IMCtlIO.capturing()
            let warning = await IMCtlHealth.run(
                thresholds: tight,
                connection: try server.connection([]),
                output: try .parse(["--json"]),
                io: warned
            )
            #expect(warning == .warning)
            let envelope = try IMJSON(parsing: warned.stdout)
            #expect(envelope["ok"] == false)
            #expect(envelope["data"]?["status"] == "warning")
            #expect(envelope["error"]?["code"] == "warning")
        }
        let down = IMCtlIO.capturing()
        let critical = await IMCtlHealth.run(
            thresholds: .init(),
            connection: try .parse(["--server", "127.0.0.1:\(closedPort())"]),
            output: try .parse([]),
            io: down
        )
        #expect(critical == .critical)
        #expect(down.stdout.hasPrefix("IM CRITICAL - "))
    }
}
