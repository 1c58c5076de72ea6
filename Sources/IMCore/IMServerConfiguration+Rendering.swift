import Foundation

extension IMServerConfiguration {
    /// What a secret shows as.
    package static let redacted = "<redacted>"

    /// The configuration as `GET /config` shows it: keys as imd's config file spells them (sections
    /// `storage`, `session` and `limits` nested), secrets as `"<redacted>"` (null when unset), durations in seconds,
    /// sizes in bytes, a disabled admin API as null.
    package var redactedJSON: [String: Any] {
        [
            "data_dir": dataDirectory,
            "listen": clientAddress.description,
            "admin_listen": admin.address.map { $0.description as Any } ?? NSNull(),
            "admin_token": Self.redact(admin.token),
            "jwt_secret": Self.redact(jwtSecret),
            "node_id": nodeID,
            "threads": eventLoopThreads,
            "kefu_appid": kefuAppID,
            "word_file": wordFile.map { $0 as Any } ?? NSNull(),
            "enable_friendship": friendshipCheck,
            "enable_blacklist": blacklistCheck,
            "version": version,
            "storage": [
                "fsync": storage.fsync.rawValue,
                "fsync_interval": storage.fsyncInterval.seconds,
                "segment_size": storage.segmentSize,
                "snapshot_every_bytes": storage.snapshotEveryBytes,
                "snapshot_interval": storage.snapshotInterval.seconds,
                "retention": storage.retention.seconds,
                "retention_bytes": storage.retentionBytes,
            ] as [String: Any],
            "postgres_url": postgres.url.map { PostgresEndpoint.redacting($0) as Any } ?? NSNull(),
            "postgres_pool_size": postgres.poolSize,
            "postgres_timeout": postgres.timeout.seconds,
            "replication_listen": replication.listen.map { $0.description as Any } ?? NSNull(),
            "replication_token": Self.redact(replication.token),
            "replica_of": replication.replicaOf.map { $0.description as Any } ?? NSNull(),
            "replication": replication.mode.rawValue,
            "replication_min_replicas": replication.minReplicas,
            "replication_timeout": replication.timeout.seconds,
            "session": [
                "idle_timeout": session.idleTimeout.seconds,
                "sync_limit": session.syncBatchLimit,
                "max_queued_pushes": session.maxQueuedPushes,
                "write_buffer_high_water": session.writeBufferHighWater,
                "max_pending_reply_bytes": session.maxPendingReplyBytes,
                "max_connections_per_user": session.maxConnectionsPerUser,
            ] as [String: Any],
            "limits": [
                "login_timeout": limits.loginTimeout.seconds,
                "max_connections": limits.maxConnections,
                "max_connections_per_ip": limits.maxConnectionsPerIP,
                "max_messages_per_second": limits.maxMessagesPerSecond,
                "message_burst": limits.messageBurst,
                "max_login_failures": limits.maxLoginFailures,
                "max_login_failures_per_ip": limits.maxLoginFailuresPerIP,
            ] as [String: Any],
            "lookup_public": admin.lookupPublic,
            "monitoring_public": admin.monitoringPublic,
        ]
    }

    private static func redact(_ secret: String?) -> Any {
        secret == nil ? NSNull() : redacted
    }
}

extension Duration {
    /// Seconds, fractions included.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
