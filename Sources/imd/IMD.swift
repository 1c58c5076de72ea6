import ArgumentParser
import Foundation
import IMCore
import IMDaemonKit

/// `imd`: runs an `IMServer` configured from defaults < env vars < config file < flags until SIGTERM or
/// SIGINT.
@main
struct IMD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imd",
        abstract: "The swift-im server (GoBelieve im_service compatible).",
        discussion: """
            Settings come from, lowest first: the defaults, IMD_* environment variables, the TOML config \
            file, flags. Every config key has an environment variable: IMD_ and its name in capitals \
            (storage.fsync_interval is IMD_FSYNC_INTERVAL). Without a config file imd runs on the \
            defaults, storing in ./data. --print-config prints every key with its default and help (a \
            config file to start from); --check-config prints every key with the value in effect.

            Without an admin token the admin API may listen only on a loopback address.

            Under systemd (Type=notify) imd sends READY=1 to NOTIFY_SOCKET once every listener is bound, \
            and STOPPING=1 when a stop begins.

            SIGTERM or SIGINT shuts down gracefully; a second one forces exit. SIGHUP reopens --log-file and \
            re-reads --cert-file and --key-file (new TLS/WSS connections get the new certificate; none is \
            dropped).

            Exit status: 0 after a graceful shutdown (or a good --check-config); 1 if the server failed \
            (data directory, address in use); 2 for a bad flag or configuration; 128+N when a second \
            signal N forced exit.
            """,
        version: BuildInfo.banner
    )

    @OptionGroup(title: "Configuration")
    var flags: DaemonFlags

    @Flag(help: "Parse and check the configuration, print it with secrets redacted, and exit (0 if good, 2 if not).")
    var checkConfig = false

    @Flag(
        help: """
            Print every setting with its default, flag, env var and help, as a config file with every key \
            commented out, and exit.
            """
    )
    var printConfig = false

    mutating func run() async throws {
        if printConfig {
            // The defaults only: nothing is read, so it works whatever the environment or a file holds.
            print(ConfigReference.text(), terminator: "")
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let configuration: DaemonConfiguration
        do {
            configuration = try DaemonConfiguration.load(flags: flags, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("imd: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if checkConfig {
            print(configuration.rendered, terminator: "")
            for warning in configuration.warnings {
                FileHandle.standardError.write(Data("imd: warning: \(warning)\n".utf8))
            }
            do {
                if let report = try await IMServer.checkBackend(configuration.server) { print("# \(report)") }
            } catch {
                FileHandle.standardError.write(Data("imd: \(error)\n".utf8))
                throw ExitCode(2)
            }
            return
        }
        try await Daemon(configuration: configuration, notifier: SystemdNotifier(environment: environment)).run()
    }

    /// ArgumentParser exits 64 for a usage error; imd's contract is 2 for any bad flag or configuration.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
