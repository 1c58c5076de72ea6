import ArgumentParser

/// The flags that override the config file, which overrides env vars, which override the defaults.
///
/// Values stay text here and are parsed by the same `ValueParser` as the file and env vars, so a bad
/// `--fsync` reads like a bad `fsync` key. Settings without a flag are set in the file or by env var.
package struct DaemonFlags: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("The TOML config file.", valueName: "file"))
    package var config: String?

    @Option(help: ArgumentHelp("Data directory (default ./data). Env: IMD_DATA_DIR.", valueName: "dir"))
    package var dataDir: String?

    @Option(help: ArgumentHelp("Client TCP listener (default 0.0.0.0:23000). Env: IMD_LISTEN.", valueName: "host:port"))
    package var listen: String?

    @Option(
        help: ArgumentHelp(
            "Admin HTTP listener, or off (default 127.0.0.1:6666). Env: IMD_ADMIN_LISTEN.",
            valueName: "host:port"
        )
    )
    package var adminListen: String?

    @Option(
        help: ArgumentHelp(
            "Bearer token for the admin API; required unless it listens on loopback. Env: IMD_ADMIN_TOKEN.",
            valueName: "token"
        )
    )
    package var adminToken: String?

    @Option(
        help: ArgumentHelp(
            "Read the admin token from a file (whitespace trimmed). Env: IMD_ADMIN_TOKEN_FILE.",
            valueName: "file"
        )
    )
    package var adminTokenFile: String?

    @Option(help: ArgumentHelp("HS256 secret for JWT logins. Env: IMD_JWT_SECRET.", valueName: "secret"))
    package var jwtSecret: String?

    @Option(help: ArgumentHelp("This node's name (default: the host name). Env: IMD_NODE_ID.", valueName: "name"))
    package var nodeId: String?

    @Option(help: ArgumentHelp("Event-loop threads (default: one per core). Env: IMD_THREADS.", valueName: "n"))
    package var threads: String?

    @Option(help: ArgumentHelp("batch, interval or none (default batch). Env: IMD_FSYNC.", valueName: "policy"))
    package var fsync: String?

    @Option(
        help: ArgumentHelp(
            "How often fsync=interval syncs (default 1s). Env: IMD_FSYNC_INTERVAL.",
            valueName: "duration"
        )
    )
    package var fsyncInterval: String?

    @Option(
        help: ArgumentHelp(
            "trace, debug, info, notice, warning, error or critical (default info). Env: IMD_LOG_LEVEL.",
            valueName: "level"
        )
    )
    package var logLevel: String?

    @Option(
        help: ArgumentHelp(
            "Append the log to a file instead of stderr; reopened on SIGHUP. Env: IMD_LOG_FILE.",
            valueName: "file"
        )
    )
    package var logFile: String?

    @Option(
        help: ArgumentHelp(
            "Sensitive-word file (one word per line) for TEXT messages; reloaded by POST /words/reload. Env: IMD_WORD_FILE.",
            valueName: "file"
        )
    )
    package var wordFile: String?

    package init() {}
}
