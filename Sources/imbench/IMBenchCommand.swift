import ArgumentParser
import Foundation
import IMBenchKit

/// `imbench`: the root command only routes; `peer` runs when no subcommand is given.
@main
struct IMBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imbench",
        abstract: "Load tester for swift-im and GoBelieve-compatible IM servers: how fast, and how correct.",
        discussion: """
            With no --host, imbench starts an IMServer in this process (temporary data directory, fsync \
            batch unless --fsync), provisions its users through POST /auth/token, runs the scenario and \
            prints a report. Every message carries its sender, number and intended send time; receivers \
            count lost, duplicated and reordered messages per stream, and receivers that missed pushes sync \
            at the end (the server's sync is the source of truth).

            EXIT CODES
              0  passed
              1  a threshold failed (--max-p99, --min-rate), or connections failed
              2  usage error
              3  could not connect to the server or provision users
              4  correctness failure: messages lost (beyond --max-lost), duplicated, reordered, refused \
            or never ACKed
            """,
        version: IMBenchVersion.current,
        subcommands: [Peer.self, Connections.self, Offline.self, Multidevice.self, Group.self, Room.self],
        defaultSubcommand: Peer.self
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || code == .failure {
                exit(withError: error)
            }
            // Argument errors (ArgumentParser's 64) are our usage error, 2.
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code.rawValue == ExitCode.validationFailure.rawValue ? BenchExitCode.usage : code.rawValue)
        }
    }
}
