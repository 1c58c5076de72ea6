import IMCore

extension DaemonSetting {
    /// `[storage]`: the message store.
    static var storageSection: [DaemonSetting] {
        [
            .init(
                "storage.fsync",
                flag: \.fsync,
                .fsync,
                \.server.storage.fsync,
                help: "batch: fsync before the ACK; interval: ACK once written, fsync every fsync_interval "
                    + "(GoBelieve's); none: tests."
            ),
            .init(
                "storage.fsync_interval",
                flag: \.fsyncInterval,
                .duration,
                \.server.storage.fsyncInterval,
                help: "How often fsync = \"interval\" syncs."
            ),
            .init(
                "storage.segment_size",
                .size,
                \.server.storage.segmentSize,
                help: "The size of one message-log segment file (at least 4MiB)."
            ),
            .init(
                "storage.snapshot_every_bytes",
                .size,
                \.server.storage.snapshotEveryBytes,
                help: "Snapshot the index after this many new log bytes..."
            ),
            .init(
                "storage.snapshot_interval",
                .duration,
                \.server.storage.snapshotInterval,
                help: "...and after this long when anything was appended."
            ),
            .init(
                "storage.retention",
                .durationOrOff,
                \.server.storage.retention,
                help: "Delete whole segments whose newest message is older than this (\"30d\"); off keeps "
                    + "everything. Syncs from older keys start at the oldest kept message."
            ),
            .init(
                "storage.retention_bytes",
                .sizeOrOff,
                \.server.storage.retentionBytes,
                help: "Delete the oldest whole segments while the log takes more than this (\"100GiB\"); off "
                    + "for no limit. The segment being written always stays."
            ),
        ]
    }

    /// `[session]`: per-connection behaviour.
    static var sessionSection: [DaemonSetting] {
        [
            .init(
                "session.idle_timeout",
                .duration,
                \.server.session.idleTimeout,
                help: "Close a connection that sends no complete frame for this long."
            ),
            .init(
                "session.sync_limit",
                .integer,
                \.server.session.syncBatchLimit,
                help: "The most messages in one sync reply; more are announced with SYNC_NOTIFY."
            ),
            .init(
                "session.max_queued_pushes",
                .integer,
                \.server.session.maxQueuedPushes,
                help: "Pushes held for a client that is not reading; past it the oldest are dropped."
            ),
            .init(
                "session.write_buffer_high_water",
                .size,
                \.server.session.writeBufferHighWater,
                help: "Bytes buffered for one connection before it counts as not reading."
            ),
            .init(
                "session.max_pending_reply_bytes",
                .size,
                \.server.session.maxPendingReplyBytes,
                help: "Disconnect a client with this many bytes of unread replies (it catches up by sync)."
            ),
            .init(
                "session.max_connections_per_user",
                .integer,
                \.server.session.maxConnectionsPerUser,
                help: "Connections per user; past it the oldest is closed (0: unlimited)."
            ),
        ]
    }

    /// `[limits]`: what hostile clients may take (`IMServerConfiguration.Limits`).
    static var limitsSection: [DaemonSetting] {
        [
            .init(
                "limits.login_timeout",
                flag: \.loginTimeout,
                .durationOrOff,
                \.server.limits.loginTimeout,
                help: "Close a connection that has not logged in this long after it connected (\"off\": never)."
            ),
            .init(
                "limits.max_connections",
                flag: \.maxConnections,
                .integer,
                \.server.limits.maxConnections,
                help: "Client connections open at once; past it new ones are closed at once (0: unlimited).",
                example: 100_000,
                defaultNote: "the open-files limit less 256, which stay for the store, the database and the admin API"
            ),
            .init(
                "limits.max_connections_per_ip",
                flag: \.maxConnectionsPerIp,
                .integer,
                \.server.limits.maxConnectionsPerIP,
                help: "Client connections open at once from one IP address (0: unlimited; NATs share addresses)."
            ),
            .init(
                "limits.max_messages_per_second",
                flag: \.maxMessagesPerSecond,
                .integer,
                \.server.limits.maxMessagesPerSecond,
                help: "Messages one connection may send per second; past it ACK 67 (v2) or disconnect (v0/v1). "
                    + "0: unlimited (load testers send thousands a second)."
            ),
            .init(
                "limits.message_burst",
                .integer,
                \.server.limits.messageBurst,
                help: "The burst max_messages_per_second allows (0: twice the rate, at least 10)."
            ),
            .init(
                "limits.max_login_failures",
                flag: \.maxLoginFailures,
                .integer,
                \.server.limits.maxLoginFailures,
                help: "Failed logins one connection may make before it is closed (0: unlimited)."
            ),
            .init(
                "limits.max_login_failures_per_ip",
                .integer,
                \.server.limits.maxLoginFailuresPerIP,
                help: "Failed logins per IP address per minute; past it its logins are refused (0: unlimited)."
            ),
        ]
    }
}
