import Foundation
import IMAdminClient
import IMCore
import IMCtlKit
import Testing

/// The built `imctl`: help text, exit codes, stdin bodies, environment, completion.
@Suite("imctl executable")
struct ExecutableTests {
    /// Every command, for the golden help file.
    static let commands: [[String]] = [
        [], ["post"], ["post", "peer"], ["post", "group"], ["post", "system"], ["post", "room"], ["post", "customer"],
        ["post", "realtime"], ["post", "notification"], ["token"], ["token", "issue"], ["token", "revoke"], ["user"],
        ["user", "kick"], ["user", "online"], ["user", "mute"], ["user", "unmute"], ["user", "offline-count"],
        ["user", "history"], ["user", "latest"], ["group"], ["group", "create"], ["group", "disband"],
        ["group", "info"], ["group", "list"], ["group", "add"], ["group", "remove"], ["group", "mute"],
        ["group", "unmute"], ["group", "upgrade"], ["group", "rename"], ["group", "notice"], ["group", "transfer"],
        ["group", "nickname"], ["friend"], ["friend", "add"], ["friend", "remove"], ["friend", "list"], ["blacklist"],
        ["blacklist", "add"], ["blacklist", "remove"], ["blacklist", "list"], ["words"], ["words", "reload"],
        ["words", "show"], ["store"], ["store", "stats"], ["store", "snapshot"], ["summary"], ["health"],
        ["cluster"], ["cluster", "nodes"], ["cluster", "lookup"],
        ["config"], ["config", "show"], ["log-level"], ["metrics"], ["stack"], ["batch"], ["completion"],
    ]

    static let goldenPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/help.txt").path

    /// `IMCTL_UPDATE_GOLDEN=1 swift test --filter helpText` rewrites the file after a deliberate change.
    @Test func helpTextMatchesTheGoldenFile() async throws {
        var text = ""
        for command in Self.commands {
            let result = try await Imctl.run(command + ["--help"])
            #expect(result.status == 0, "\(command)")
            text += "$ imctl \((command + ["--help"]).joined(separator: " "))\n\(result.stdout)\n"
        }
        if ProcessInfo.processInfo.environment["IMCTL_UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: Self.goldenPath, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: Self.goldenPath, encoding: .utf8)
        #expect(text == golden, "help text changed; if on purpose, rerun with IMCTL_UPDATE_GOLDEN=1")
        for command in Self.commands
        where command.count == 2 || ["summary", "health", "log-level", "batch"].contains(command.first ?? "") {
            let help = try await Imctl.run(command + ["--help"])
            #expect(help.stdout.contains("EXAMPLES"), "\(command) has examples")
        }
        #expect(golden.contains("EXIT CODES"))
        #expect(golden.contains("CONNECTION OPTIONS:") && golden.contains("OUTPUT OPTIONS:"))
    }

    @Test(arguments: [
        (["user", "kick"], "Missing expected argument '<uid>'"),
        (["user", "kick", "--appid", "x", "1"], "The value 'x' is invalid for '--appid <appid>'"),
        (["post", "system", "--appid", "7", "--receivers", "1,x", "hi"], "--receivers"),
        (["summary", "--timeout", "soon"], "--timeout: expected a duration"),
        (["summary", "--json", "--csv"], "--json"),
        (["log-level", "loud"], "level: expected one of trace"),
        (["teleport"], "Unexpected argument 'teleport'"),
        (["batch", "--concurrency", "0"], "--concurrency must be in 1...1024"),
        (["post", "notification", "--appid", "7", "x"], "give either --uid or --group"),
    ])
    func usageErrorsExitTwo(arguments: [String], message: String) async throws {
        let result = try await Imctl.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func exitCodesAgreeWithTheEnvelope() async throws {
        try await withServer { server in
            let environment = ["IMCTL_SERVER": server.url, "IMCTL_TOKEN": CtlServer.adminToken]
            let ok = try await Imctl.run(["user", "online", "--appid", "7", "42", "--json"], environment: environment)
            #expect(ok.status == 0)
            #expect(try IMJSON(parsing: ok.stdout)["ok"] == true)

            let refused = try await Imctl.run(
                ["user", "latest", "--appid", "7", "42", "--limit", "0", "--json"],
                environment: environment
            )
            #expect(refused.status == 1)
            let envelope = try IMJSON(parsing: refused.stdout)
            #expect(envelope["ok"] == false && envelope["error"]?["code"] == "refused")

            let wrong = try await Imctl.run(
                ["store", "stats"],
                environment: ["IMCTL_SERVER": server.url, "IMCTL_TOKEN": "nope"]
            )
            #expect(wrong.status == 4)
            #expect(wrong.stderr.contains("the token in IMCTL_TOKEN is not the server's admin_token"))

            let flagged = try await Imctl.run(["summary", "--server", server.url, "--token", CtlServer.adminToken])
            #expect(flagged.status == 0)
            #expect(flagged.stderr.contains("warning: --token shows the admin token"))

            let appFromEnv = try await Imctl.run(
                ["user", "mute", "42"],
                environment: environment.merging(["IMCTL_APPID": "7"]) { $1 }
            )
            #expect(appFromEnv.status == 0)
            #expect(appFromEnv.stdout == "muted user 42 (app 7)\n")
        }
        let down = try await Imctl.run(["summary", "--server", "127.0.0.1:\(closedPort())", "--json"])
        #expect(down.status == 3)
        #expect(try IMJSON(parsing: down.stdout)["error"]?["code"] == "unreachable")
        let health = try await Imctl.run(["health", "--server", "127.0.0.1:\(closedPort())"])
        #expect(health.status == 2)
        #expect(health.stdout.hasPrefix("IM CRITICAL - "))
    }

    @Test func bodiesComeFromStdinAndFilesAndTokensFromStdin() async throws {
        try await withServer { server in
            let environment = ["IMCTL_SERVER": server.url, "IMCTL_TOKEN_FILE": server.tokenFile, "IMCTL_APPID": "7"]
            let piped = try await Imctl.run(
                ["post", "peer", "--sender", "1", "--receiver", "2", "-"],
                environment: environment,
                stdin: #"{"text":"piped"}"#
            )
            #expect(piped.status == 0, "\(piped.stderr)")
            let file = NSTemporaryDirectory() + "/imctl-body-\(getpid())"
            try "from a file".write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let filed = try await Imctl.run(
                ["post", "peer", "--sender", "1", "--receiver", "2", "@" + file],
                environment: environment
            )
            #expect(filed.status == 0)
            let latest = try await Imctl.run(["user", "latest", "2", "--ndjson"], environment: environment)
            let contents = try latest.stdout.split(separator: "\n").map { try IMJSON(parsing: String($0))["content"] }
            #expect(contents == [#"{"text":"piped"}"#, "from a file"])

            let missing = try await Imctl.run(
                ["post", "peer", "--sender", "1", "--receiver", "2", "@/nonexistent"],
                environment: environment
            )
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("content: cannot read /nonexistent: no such file"))

            let token = try await Imctl.run(["token", "issue", "--uid", "5"], environment: environment)
            #expect(token.status == 0)
            let revoke = try await Imctl.run(
                ["token", "revoke", "-", "--json"],
                environment: environment,
                stdin: token.stdout
            )
            #expect(try IMJSON(parsing: revoke.stdout)["data"]?["revoked"] == true)
        }
    }

    @Test func completionScriptsForBashZshFish() async throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try await Imctl.run(["completion", shell])
            #expect(result.status == 0)
            for word in ["offline-count", "snapshot", "log-level", "--token-file"] {
                #expect(result.stdout.contains(word), "\(shell) completes \(word)")
            }
        }
        let bash = try await Imctl.run(["completion", "bash"])
        #expect(bash.stdout.contains("-F _imctl imctl"))
        let bad = try await Imctl.run(["completion", "tcsh"])
        #expect(bad.status == 2)
    }
}
