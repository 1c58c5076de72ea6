import IMConfigFile
import IMCore
import Logging

extension DaemonSetting {
    /// Every setting, in `--check-config` and `--print-config` order (top-level keys, then each section);
    /// a new row shows up in the config file, env vars, flags (with `flag:`), `--check-config` and
    /// `--print-config` (and so `docs/imd.toml.example`, after `scripts/generate-docs.sh`).
    ///
    /// Defaults are not written here: they are what `IMServerConfiguration()` and `DaemonConfiguration()`
    /// hold, read back through each setting's renderer.
    package static var all: [DaemonSetting] {
        listeners + identity + messaging + push + postgres + replication + logging + storageSection + sessionSection
            + limitsSection
    }

    private static var listeners: [DaemonSetting] {
        [
            .init(
                "data_dir",
                flag: \.dataDir,
                ValueParser<String>.nonEmptyString,
                \.server.dataDirectory,
                help: "The data directory: the message log (messages/), directory.sqlite and push.sqlite."
            ),
            .init("listen", flag: \.listen, .endpoint, \.server.clientAddress, help: "Client TCP listener."),
            .init(
                "tls_listen",
                flag: \.tlsListen,
                .optionalEndpoint,
                \.server.tlsAddress,
                help: "Client TLS listener (GoBelieve's ssl_port), like \"0.0.0.0:24430\", or \"off\"; "
                    + "needs cert_file and key_file."
            ),
            .init(
                "ws_listen",
                flag: \.wsListen,
                .optionalEndpoint,
                \.server.webSocketAddress,
                help: "Client WebSocket listener on path /ws, like \"0.0.0.0:13891\", or \"off\"."
            ),
            .init(
                "wss_listen",
                flag: \.wssListen,
                .optionalEndpoint,
                \.server.secureWebSocketAddress,
                help: "Client WebSocket-over-TLS listener on path /ws, like \"0.0.0.0:14891\", or \"off\"; "
                    + "needs cert_file and key_file."
            ),
            .init(
                "cert_file",
                flag: \.certFile,
                ValueParser<String>.nonEmptyString.optional(),
                \.certFile,
                help: "PEM certificate chain, leaf first, for tls_listen, wss_listen and replication_tls; re-read on SIGHUP.",
                example: "/etc/letsencrypt/live/im.example.com/fullchain.pem"
            ),
            .init(
                "key_file",
                flag: \.keyFile,
                ValueParser<String>.nonEmptyString.optional(),
                \.keyFile,
                help: "The unencrypted PEM private key of cert_file; re-read on SIGHUP.",
                example: "/etc/letsencrypt/live/im.example.com/privkey.pem"
            ),
            .init(
                "ws_max_message_size",
                .size,
                \.server.webSocket.maxMessageSize,
                help: "A larger WebSocket message closes the connection."
            ),
            .init(
                "admin_listen",
                flag: \.adminListen,
                .optionalEndpoint,
                \.server.admin.address,
                help: "Admin HTTP API listener, or \"off\"; without an admin token it must be a loopback address."
            ),
            .init(
                "admin_token",
                flag: \.adminToken,
                secret: true,
                ValueParser<String>.string.optional(),
                \.adminToken,
                help: "Bearer token of the admin API (others can read flags and env vars: prefer admin_token_file); "
                    + "\"\" turns auth off (loopback only).",
                example: "<admin token>",
                defaultNote: "the token imd generates in data_dir/admin-token at its first start"
            ),
            .init(
                "admin_token_file",
                flag: \.adminTokenFile,
                ValueParser<String>.nonEmptyString.optional(),
                \.adminTokenFile,
                help: "A file holding the admin token (whitespace trimmed); replaces admin_token.",
                example: "/etc/imd/admin-token"
            ),
            .init(
                "lookup_public",
                .boolean,
                \.server.admin.lookupPublic,
                help: "Serve GET /lookup (where a client should connect) without the admin token."
            ),
            .init(
                "monitoring_public",
                .boolean,
                \.server.admin.monitoringPublic,
                help: "Serve /summary, /metrics and /health without the admin token (false: they need it too)."
            ),
        ]
    }

    private static var identity: [DaemonSetting] {
        [
            .init(
                "jwt_secret",
                flag: \.jwtSecret,
                secret: true,
                ValueParser<String>.string.optional(),
                \.server.jwtSecret,
                help: "HS256 secret for JWT logins (claims appid, uid, exp); unset, only issued tokens log in.",
                example: "<jwt secret>"
            ),
            .init(
                "node_id",
                flag: \.nodeId,
                ValueParser<String>.nonEmptyString,
                \.server.nodeID,
                help: "This node's name in /summary, /metrics, the logs and the cluster's nodes table (unique per cluster).",
                example: "im-1",
                defaultNote: "the host name and the client port, like im1:23000"
            ),
            .init(
                "threads",
                flag: \.threads,
                .integer,
                \.server.eventLoopThreads,
                help: "Event-loop threads for client connections.",
                example: 4,
                defaultNote: "one per core"
            ),
        ]
    }

    private static var messaging: [DaemonSetting] {
        [
            .init(
                "kefu_appid",
                .integer,
                \.server.kefuAppID,
                help: "The customer-service app of MSG_CUSTOMER_V2 (0: none)."
            ),
            .init(
                "word_file",
                flag: \.wordFile,
                ValueParser<String>.nonEmptyString.optional(),
                \.server.wordFile,
                help: "Sensitive words (one per line) to mask in TEXT messages; POST /words/reload re-reads it.",
                example: "/etc/imd/words.txt"
            ),
            .init(
                "enable_friendship",
                .boolean,
                \.server.friendshipCheck,
                help: "Peer messages only between mutual friends (others are refused with ACK 1 or 2)."
            ),
            .init(
                "enable_blacklist",
                .boolean,
                \.server.blacklistCheck,
                help: "Refuse a peer message to a user who blacklisted the sender (ACK 3)."
            ),
        ]
    }

    private static var push: [DaemonSetting] {
        [
            .init(
                "push_webhook",
                flag: \.pushWebhook,
                ValueParser<String>.nonEmptyString.optional(),
                \.server.push.webhook,
                help: "POST offline push jobs (JSON batches) to this http(s) URL; no jobs are made without it.",
                example: "https://push.example.com/im"
            ),
            .init(
                "push_webhook_token",
                secret: true,
                ValueParser<String>.string.optional(),
                \.server.push.webhookToken,
                help: "Sent to the webhook as Authorization: Bearer.",
                example: "<webhook token>"
            ),
            .init("push_batch_size", .integer, \.server.push.batchSize, help: "Push jobs per POST."),
            .init(
                "push_timeout",
                .duration,
                \.server.push.requestTimeout,
                help: "How long one POST may take before it counts as failed."
            ),
            .init(
                "push_retry_initial",
                .duration,
                \.server.push.retryInitial,
                help: "The wait after a failed POST, doubled after each further failure up to push_retry_max."
            ),
            .init("push_retry_max", .duration, \.server.push.retryMax, help: "The longest wait between retries."),
            .init(
                "push_max_pending",
                .integer,
                \.server.push.maxPendingJobs,
                help: "Push jobs kept waiting at most; past it new jobs are dropped (and counted)."
            ),
            .init(
                "push_max_age",
                .duration,
                \.server.push.maxJobAge,
                help: "A push job still unsent after this long is dropped (and counted)."
            ),
        ]
    }

    private static var postgres: [DaemonSetting] {
        [
            .init(
                "postgres_url",
                flag: \.postgres,
                flagName: "postgres",
                secret: true,
                ValueParser<String>.nonEmptyString.optional(),
                \.server.postgres.url,
                help: "Keep messages in this PostgreSQL database (every node of a cluster names the same one); "
                    + "unset: the message log in data_dir.",
                example: "postgres://im:secret@127.0.0.1:5432/im?sslmode=disable"
            ),
            .init(
                "postgres_pool_size",
                .integer,
                \.server.postgres.poolSize,
                help: "Connections to PostgreSQL at most (at least 2)."
            ),
            .init(
                "postgres_timeout",
                .duration,
                \.server.postgres.timeout,
                help: "A connection attempt or statement unanswered this long fails (an append is then not ACKed)."
            ),
            .init(
                "advertise",
                flag: \.advertise,
                .advertise,
                \.server.advertise,
                help: "Where clients reach this node, per transport, as /lookup and /nodes give it out "
                    + "(behind NAT or a proxy); unset: the listen addresses (a wildcard host becomes the host name).",
                example: [.tcp: .init(host: "im1.example.com", port: 23000), .ws: .init(host: "im1.example.com", port: 13891)]
            ),
        ]
    }

    private static var replication: [DaemonSetting] {
        [
            .init(
                "replication_listen",
                flag: \.replicationListen,
                .optionalEndpoint,
                \.server.replication.listen,
                help: "Serve this server's message log to replicas here (needs replication_token), or \"off\".",
                example: IMServerConfiguration.Endpoint(host: "10.0.0.1", port: 23100)
            ),
            .init(
                "replication_token",
                flag: \.replicationToken,
                secret: true,
                ValueParser<String>.nonEmptyString.optional(),
                \.server.replication.token,
                help: "The secret a replica presents to its primary; the same on both.",
                example: "<replication token>"
            ),
            .init(
                "replica_of",
                flag: \.replicaOf,
                .optionalEndpoint,
                \.server.replication.replicaOf,
                help: "Follow this primary's replication_listen: serve clients read-only (sends get ACK 68) until "
                    + "POST /store/promote (imctl store promote); \"off\": a primary.",
                example: IMServerConfiguration.Endpoint(host: "10.0.0.1", port: 23100)
            ),
            .init(
                "replication",
                .replicationMode,
                \.server.replication.mode,
                help: "async: ACK once durable here; sync: also on replication_min_replicas replicas (else ACK 68 "
                    + "after replication_timeout)."
            ),
            .init(
                "replication_min_replicas",
                .integer,
                \.server.replication.minReplicas,
                help: "With replication = \"sync\": replicas that must have a message before it is ACKed."
            ),
            .init(
                "replication_timeout",
                .duration,
                \.server.replication.timeout,
                help: "With replication = \"sync\": how long a message waits for its replicas before ACK 68."
            ),
            .init(
                "replication_tls",
                .boolean,
                \.server.replication.tls,
                help: "TLS on the replication stream (set on both): a primary serves it with cert_file and key_file; "
                    + "a replica checks the primary's certificate (and replica_of's host name)."
            ),
            .init(
                "replication_ca_file",
                ValueParser<String>.nonEmptyString.optional(),
                \.server.replication.caFile,
                help: "With replication_tls: the CA certificates (PEM) a replica trusts for its primary's certificate; "
                    + "default the system's trust roots.",
                example: "/etc/imd/replication-ca.pem"
            ),
        ]
    }

    private static var logging: [DaemonSetting] {
        [
            .init(
                "log_level",
                flag: \.logLevel,
                .logLevel,
                \.logLevel,
                help: Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                    + "; PUT /log-level changes it while imd runs."
            ),
            .init(
                "log_file",
                flag: \.logFile,
                ValueParser<String>.nonEmptyString.optional(),
                \.logFile,
                help: "Append the log to this file instead of stderr; reopened on SIGHUP.",
                example: "/var/log/imd.log"
            ),
        ]
    }
}
