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
}
