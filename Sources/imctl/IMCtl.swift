import ArgumentParser
import Foundation
import IMCtlKit

/// `imctl`: the root command only routes.
@main
struct IMCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imctl",
        abstract: "The admin CLI of swift-im: post messages, manage tokens, users and groups, inspect a server.",
        discussion: """
            imctl calls a server's admin HTTP API. Every command takes the connection options (--server or \
            IMCTL_SERVER, the admin token from IMCTL_TOKEN, IMCTL_TOKEN_FILE, --token-file or --token, \
            --timeout, TLS) and the output options: a table or sentence by default, --json (one envelope \
            {"ok","data","error"} whose "ok" always agrees with the exit code), --ndjson, --csv or --raw. \
            --verbose shows each request and reply on stderr. These options, and --appid, may come before \
            the command too: imctl --server im-1:6666 --json summary.

            \(IMCtlExitCode.help)

            EXAMPLES
              export IMCTL_SERVER=http://127.0.0.1:6666 IMCTL_TOKEN_FILE=/etc/imd/admin-token
              imctl summary
              imctl token issue --appid 7 --uid 42
              imctl post peer --appid 7 --sender 1 --receiver 42 '{"text":"hello"}'
              imctl user online --appid 7 42 --json
              jq -c '{command:"user kick",appid:7,uid:.uid}' users.ndjson | imctl batch --concurrency 16
            """,
        version: BuildInfo.imctlVersion,
        subcommands: [
            Post.self, Token.self, User.self, Group.self, Friend.self, Blacklist.self, Words.self, Store.self,
            Summary.self, Health.self, Cluster.self,
            Config.self, LogLevel.self, Metrics.self, Stack.self, Batch.self, Completion.self,
        ]
    )

    /// Runs the command; argument errors exit 2 (not ArgumentParser's 64), as the exit-code table says.
    /// Connection and output options may come before the command (`imctl --server URL summary`).
    static func main() async {
        do {
            let arguments = IMCtlGlobalArguments.hoisted(
                Array(CommandLine.arguments.dropFirst()),
                commands: commandTree(of: IMCtl.self)
            )
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(IMCtlExitCode.usage.rawValue)
        }
    }
}

extension IMCtl {
    /// The names (and aliases) of `command`'s subcommands, all the way down.
    static func commandTree(of command: any ParsableCommand.Type) -> IMCtlGlobalArguments.CommandTree {
        var subcommands: [String: IMCtlGlobalArguments.CommandTree] = [:]
        for subcommand in command.configuration.subcommands {
            let tree = commandTree(of: subcommand)
            for name in [subcommand._commandName] + subcommand.configuration.aliases { subcommands[name] = tree }
        }
        return .init(subcommands)
    }
}

extension BuildInfo {
    /// `0.1.0 (main 1a2b3c4)`.
    static var imctlVersion: String {
        "\(version) (\(gitBranch) \(gitCommit == "unknown" ? gitCommit : String(gitCommit.prefix(7))))"
    }
}
