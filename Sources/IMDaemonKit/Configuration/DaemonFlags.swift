import ArgumentParser
import IMConfigFile
import IMCore
import Logging

/// The flags that override the config file, which overrides env vars, which override the defaults.
///
/// Values stay text here and are parsed by the same `ValueParser` as the file and env vars, so a bad
/// `--fsync` reads like a bad `fsync` key. Settings without a flag are set in the file or by env var.
package struct DaemonFlags: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp("The TOML config file (imd --print-config prints one with every key).", valueName: "file"),
        completion: .file(extensions: ["toml"])
    )
    package var config: String?

    @Option(help: .setting("data_dir", valueName: "dir"), completion: .directory)
    package var dataDir: String?

    @Option(help: .setting("listen", valueName: "host:port"))
    package var listen: String?

    @Option(help: .setting("tls_listen", valueName: "host:port"))
    package var tlsListen: String?

    @Option(help: .setting("ws_listen", valueName: "host:port"))
    package var wsListen: String?

    @Option(help: .setting("wss_listen", valueName: "host:port"))
    package var wssListen: String?

    @Option(help: .setting("cert_file", valueName: "file"), completion: .file())
    package var certFile: String?

    @Option(help: .setting("key_file", valueName: "file"), completion: .file())
    package var keyFile: String?

    @Option(help: .setting("push_webhook", valueName: "url"))
    package var pushWebhook: String?

    @Option(help: .setting("admin_listen", valueName: "host:port"))
    package var adminListen: String?

    @Option(help: .setting("admin_token", valueName: "token"))
    package var adminToken: String?

    @Option(help: .setting("admin_token_file", valueName: "file"), completion: .file())
    package var adminTokenFile: String?

    @Option(help: .setting("jwt_secret", valueName: "secret"))
    package var jwtSecret: String?

    @Option(help: .setting("node_id", valueName: "name"))
    package var nodeId: String?

    @Option(help: .setting("threads", valueName: "n"))
    package var threads: String?

    @Option(
        help: .setting("storage.fsync", valueName: "policy"),
        completion: .list(IMServerConfiguration.FsyncPolicy.allCases.map(\.rawValue))
    )
    package var fsync: String?

    @Option(help: .setting("storage.fsync_interval", valueName: "duration"))
    package var fsyncInterval: String?

    @Option(help: .setting("limits.login_timeout", valueName: "duration"))
    package var loginTimeout: String?

    @Option(help: .setting("limits.max_connections", valueName: "n"))
    package var maxConnections: String?

    @Option(name: .customLong("max-connections-per-ip"), help: .setting("limits.max_connections_per_ip", valueName: "n"))
    package var maxConnectionsPerIp: String?

    @Option(help: .setting("limits.max_messages_per_second", valueName: "n"))
    package var maxMessagesPerSecond: String?

    @Option(help: .setting("limits.max_login_failures", valueName: "n"))
    package var maxLoginFailures: String?

    @Option(help: .setting("postgres_url", valueName: "url"))
    package var postgres: String?

    @Option(help: .setting("advertise", valueName: "tcp=host:port,..."))
    package var advertise: String?

    @Option(help: .setting("replication_listen", valueName: "host:port"))
    package var replicationListen: String?

    @Option(help: .setting("replication_token", valueName: "token"))
    package var replicationToken: String?

    @Option(help: .setting("replica_of", valueName: "host:port"))
    package var replicaOf: String?

    @Option(help: .setting("log_level", valueName: "level"), completion: .list(Logger.Level.allCases.map(\.rawValue)))
    package var logLevel: String?

    @Option(help: .setting("log_file", valueName: "file"), completion: .file())
    package var logFile: String?

    @Option(help: .setting("word_file", valueName: "file"), completion: .file())
    package var wordFile: String?

    package init() {}
}

extension ArgumentHelp {
    /// A flag's help from its row in `DaemonSetting.all`: the setting's help, its default and env var, so
    /// `--help` (and the man page) say what `--print-config` says.
    static func setting(_ key: String, valueName: String) -> ArgumentHelp {
        guard let setting = DaemonSetting.named(key) else { preconditionFailure("no setting \(key)") }
        var text = setting.help
        if let note = setting.defaultNote {
            text += " Default: \(note)."
        } else if let value = setting.defaultValue {
            text += " Default: \(value.unquoted)."
        }
        return ArgumentHelp(text + " Env: \(setting.environmentVariable).", valueName: valueName)
    }
}

extension String {
    /// A TOML string without its quotes when it needs no escapes (`"./data"` → `./data`).
    fileprivate var unquoted: String {
        guard count >= 2, hasPrefix("\""), hasSuffix("\""), !dropFirst().dropLast().contains("\\") else { return self }
        return String(dropFirst().dropLast())
    }
}
