/// `GET /summary`: a node's figures, GoBelieve's (PROTOCOL.md §10.2) and ours, as one object.
///
/// The server fills in every figure; a reply is read leniently, so each one is optional: GoBelieve's `im`
/// sends only its six, an older swift-im lacks newer ones, and a figure sent with another type is treated
/// as absent. Counters (`…_count` but the gauges named below) only grow while the process runs.
public struct IMSummary: Sendable, Equatable {
    // MARK: GoBelieve's

    /// Threads (GoBelieve's goroutines; there are none here): `goroutine_count`.
    public var goroutineCount: Int64?
    /// Open client connections, logged in or not (a gauge): `connection_count`.
    public var connectionCount: Int64?
    /// Logged-in connections (a gauge): `client_count`.
    public var clientCount: Int64?
    /// Distinct users online (a gauge): `clientset_count`.
    public var clientsetCount: Int64?
    /// Messages received from clients and posted through the admin API: `in_message_count`.
    public var inMessageCount: Int64?
    /// Message frames written to clients, in real time or by sync: `out_message_count`.
    public var outMessageCount: Int64?
    /// `app_<id>`: the app asked for with `?appid=`.
    public var requestedApp: RequestedApp?

    // MARK: Ours

    /// The node's name (`node_id` in its configuration).
    public var nodeID: String?
    /// The server's version.
    public var version: String?
    /// Seconds since the server started, and its start as Unix seconds: `uptime_seconds`, `started_at`.
    public var uptimeSeconds: Int64?
    public var startedAt: Int64?
    /// Connections accepted: `accepted_count`.
    public var acceptedCount: Int64?
    /// Logins that succeeded and failed: `login_count`, `login_failed_count`.
    public var loginCount: Int64?
    public var loginFailedCount: Int64?
    /// Connections closed for a malformed frame: `protocol_error_count`.
    public var protocolErrorCount: Int64?
    /// Connections closed for idleness: `idle_closed_count`.
    public var idleClosedCount: Int64?
    /// Real-time copies dropped for a client that does not read: `dropped_push_count`.
    public var droppedPushCount: Int64?
    /// Connections closed with too many unread replies: `slow_consumer_closed_count`.
    public var slowConsumerClosedCount: Int64?
    /// Messages refused (ACK with an error status): `refused_message_count`.
    public var refusedMessageCount: Int64?
    /// Appends the store failed: `store_failure_count`.
    public var storeFailureCount: Int64?
    /// Syncs served and messages they returned: `sync_count`, `synced_message_count`.
    public var syncCount: Int64?
    public var syncedMessageCount: Int64?
    /// Failed `accept` calls: `accept_error_count`.
    public var acceptErrorCount: Int64?
    /// Rooms and connections in rooms (gauges): `room_count`, `room_client_count`.
    public var roomCount: Int64?
    public var roomClientCount: Int64?
    /// Groups in the directory and sensitive words in use (gauges): `group_count`, `word_count`.
    public var groupCount: Int64?
    public var wordCount: Int64?
    /// Failed TLS handshakes: `tls_handshake_failure_count`.
    public var tlsHandshakeFailureCount: Int64?
    /// Connections, logins and messages turned away by a client limit, per cause (`login_timeout`,
    /// `max_connections`, `per_ip`, `rate_limited`, `login_failures`, `login_failures_per_ip`): `refused`.
    public var refused: [String: Int64]?
    /// Per configured listener (`tcp`, `tls`, `ws`, `wss`).
    public var transports: [String: Transport]?
    /// The offline push hook.
    public var push: Push?
    /// The server process.
    public var process: Process?
    /// The message store (as `GET /store/stats`).
    public var store: IMStoreStatistics?
    /// The cluster's database, with `postgres_url`.
    public var postgres: Postgres?
    /// This node in its cluster, with `postgres_url`.
    public var cluster: Cluster?
    /// LogStore replication, with `replication_listen` or `replica_of`.
    public var replication: Replication?
    /// Who is online, per app id (`apps`, keyed by the id as a string on the wire).
    public var apps: [Int64: AppCounts]?

    /// A summary with nothing in it; set the figures.
    public init() {}
}

extension IMSummary {
    /// GoBelieve's `app_<id>` object: one app's figures.
    public struct RequestedApp: Sendable, Equatable {
        /// The app id, from the key.
        public var appID: Int64
        public var clientsetCount: Int64?
        public var clientCount: Int64?
        public var roomCount: Int64?
        public var roomClientCount: Int64?
        /// Connections per room id, for rooms with at least 1000 (GoBelieve's `room_stat`).
        public var roomStat: [Int64: Int64]?

        public init(appID: Int64) {
            self.appID = appID
        }
    }

    /// One app's entry in `apps`.
    public struct AppCounts: Sendable, Equatable {
        public var clientCount: Int64?
        public var clientsetCount: Int64?
        public var roomCount: Int64?
        public var roomClientCount: Int64?

        public init(clientCount: Int64? = nil, clientsetCount: Int64? = nil, roomCount: Int64? = nil,
                    roomClientCount: Int64? = nil) {
            self.clientCount = clientCount
            self.clientsetCount = clientsetCount
            self.roomCount = roomCount
            self.roomClientCount = roomClientCount
        }
    }

    /// One listener's connections: open now (a gauge) and accepted since start.
    public struct Transport: Sendable, Equatable {
        public var connections: Int64?
        public var accepted: Int64?

        public init(connections: Int64? = nil, accepted: Int64? = nil) {
            self.connections = connections
            self.accepted = accepted
        }
    }

    /// The server process's resources.
    public struct Process: Sendable, Equatable {
        /// Resident and virtual memory: `rss_bytes`, `virtual_bytes`.
        public var rssBytes: Int64?
        public var virtualBytes: Int64?
        public var threads: Int64?
        /// User + system CPU time so far: `cpu_seconds`.
        public var cpuSeconds: Double?
        /// Open file descriptors and their limit: `open_files`, `max_open_files`.
        public var openFiles: Int64?
        public var maxOpenFiles: Int64?
        /// Cores the machine has: `cpu_count`.
        public var cpuCount: Int64?

        public init() {}
    }

    /// The offline push hook's figures; only `enabled` (false) without a webhook.
    public struct Push: Sendable, Equatable {
        public var enabled: Bool?
        /// The webhook, without user info or query.
        public var webhook: String?
        /// Jobs accepted, taken by the webhook, failed POSTs, jobs expired and dropped, batches delivered.
        public var queued: Int64?
        public var sent: Int64?
        public var failed: Int64?
        public var expired: Int64?
        public var dropped: Int64?
        public var batches: Int64?
        /// Jobs waiting now and how long the oldest has waited (gauges): `pending`, `oldest_age_seconds`.
        public var pending: Int64?
        public var oldestAgeSeconds: Double?

        public init(enabled: Bool? = nil) {
            self.enabled = enabled
        }
    }
}
