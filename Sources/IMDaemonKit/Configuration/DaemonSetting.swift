import IMCore

/// One configuration setting: its key in the config file, its env var and flag, how to parse and apply
/// it, and how `--check-config` shows it.
///
/// `DaemonSetting.all` is the single list the file, env vars, flags, error messages and `--check-config`
/// all read, so a setting cannot be settable in one place and unknown in another.
package struct DaemonSetting {
    /// As the config file spells it, with its section: `listen`, `storage.fsync`.
    package let key: String
    /// The flag that overrides it, if it has one (`--fsync`).
    package let flag: String?
    /// What `--fsync` holds.
    let flagValue: KeyPath<DaemonFlags, String?>?
    /// Shown as `<redacted>` by `--check-config`.
    let isSecret: Bool
    /// Completes "expected ..." in errors.
    let expected: String
    /// Parses the value and sets it; false if the value is not what the setting takes.
    let apply: (ConfigValue, inout DaemonConfiguration) -> Bool
    /// The current value as TOML, nil when unset.
    let render: (DaemonConfiguration) -> String?

    /// The key without its section; also the `field` of an `IMConfigurationError` about it.
    package var name: String { String(key.split(separator: ".").last ?? "") }
    /// The section (`storage`), nil for a top-level key.
    package var section: String? { key.contains(".") ? String(key.split(separator: ".")[0]) : nil }
    /// `IMD_` and the name in capitals: `IMD_LISTEN`, `IMD_FSYNC_INTERVAL`.
    package var environmentVariable: String { "IMD_" + name.uppercased() }

    init<Value>(
        _ key: String,
        flag: KeyPath<DaemonFlags, String?>? = nil,
        secret: Bool = false,
        _ parser: ValueParser<Value>,
        _ keyPath: WritableKeyPath<DaemonConfiguration, Value>
    ) {
        self.key = key
        self.flagValue = flag
        self.flag = flag.map { _ in "--" + String(key.split(separator: ".").last ?? "").replacingUnderscores }
        self.isSecret = secret
        self.expected = parser.expected
        self.apply = { value, configuration in
            guard let parsed = parser.parse(value) else { return false }
            configuration[keyPath: keyPath] = parsed
            return true
        }
        self.render = { configuration in parser.render(configuration[keyPath: keyPath]) }
    }

    /// The sections a config file may have, in `--check-config` order.
    package static let sections = ["storage", "session"]

    /// Every setting, in `--check-config` order.
    package static var all: [DaemonSetting] {
        [
            .init("data_dir", flag: \.dataDir, ValueParser<String>.nonEmptyString, \.server.dataDirectory),
            .init("listen", flag: \.listen, .endpoint, \.server.clientAddress),
            .init("admin_listen", flag: \.adminListen, .optionalEndpoint, \.server.admin.address),
            .init("admin_token", flag: \.adminToken, secret: true, ValueParser<String>.string.optional(), \.adminToken),
            .init(
                "admin_token_file",
                flag: \.adminTokenFile,
                ValueParser<String>.nonEmptyString.optional(),
                \.adminTokenFile
            ),
            .init(
                "jwt_secret",
                flag: \.jwtSecret,
                secret: true,
                ValueParser<String>.string.optional(),
                \.server.jwtSecret
            ),
            .init("node_id", flag: \.nodeId, ValueParser<String>.nonEmptyString, \.server.nodeID),
            .init("threads", flag: \.threads, .integer, \.server.eventLoopThreads),
            .init("kefu_appid", .integer, \.server.kefuAppID),
            .init(
                "word_file",
                flag: \.wordFile,
                ValueParser<String>.nonEmptyString.optional(),
                \.server.wordFile
            ),
            .init("enable_friendship", .boolean, \.server.friendshipCheck),
            .init("enable_blacklist", .boolean, \.server.blacklistCheck),
            .init("log_level", flag: \.logLevel, .logLevel, \.logLevel),
            .init("log_file", flag: \.logFile, ValueParser<String>.nonEmptyString.optional(), \.logFile),

            .init("storage.fsync", flag: \.fsync, .fsync, \.server.storage.fsync),
            .init("storage.fsync_interval", flag: \.fsyncInterval, .duration, \.server.storage.fsyncInterval),
            .init("storage.segment_size", .size, \.server.storage.segmentSize),
            .init("storage.snapshot_every_bytes", .size, \.server.storage.snapshotEveryBytes),
            .init("storage.snapshot_interval", .duration, \.server.storage.snapshotInterval),

            .init("session.idle_timeout", .duration, \.server.session.idleTimeout),
            .init("session.sync_limit", .integer, \.server.session.syncBatchLimit),
            .init("session.max_queued_pushes", .integer, \.server.session.maxQueuedPushes),
            .init("session.write_buffer_high_water", .size, \.server.session.writeBufferHighWater),
            .init("session.max_pending_reply_bytes", .size, \.server.session.maxPendingReplyBytes),
            .init("session.max_connections_per_user", .integer, \.server.session.maxConnectionsPerUser),
        ]
    }

    /// The setting with this key (`storage.fsync`).
    package static func named(_ key: String) -> DaemonSetting? { all.first { $0.key == key } }
}

extension String {
    fileprivate var replacingUnderscores: String { replacingOccurrences(of: "_", with: "-") }
}
