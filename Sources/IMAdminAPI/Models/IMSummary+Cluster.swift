extension IMSummary {
    /// The cluster's database as this server sees it (`/summary`'s `postgres`, only with `postgres_url`).
    public struct Postgres: Sendable, Equatable {
        /// `up` or `down`: down after a statement failed for a reason of the connection, up again after
        /// the next one that succeeded.
        public var state: String?
        /// host:port/database (never the user or password).
        public var database: String?
        /// Connections the pool may open (`postgres_pool_size`) and statements running now.
        public var poolSize: Int64?
        public var inFlight: Int64?
        /// Statements run and those that failed since start; changes of state (up → down, down → up).
        public var statements: Int64?
        public var errors: Int64?
        public var stateChanges: Int64?
        /// How long the database has been in its state.
        public var stateSeconds: Double?
        /// The last failure (what was being done, PostgreSQL's reason) and how long ago it was.
        public var lastError: String?
        public var lastErrorAgeSeconds: Double?
        /// The schema version the database is at.
        public var schemaVersion: Int64?

        public init(state: String? = nil) {
            self.state = state
        }
    }
}

extension IMSummary.Postgres: Codable {
    private static let counts: [(AnyCodingKey, WritableKeyPath<Self, Int64?> & Sendable)] = [
        ("pool_size", \.poolSize), ("in_flight", \.inFlight), ("statements", \.statements), ("errors", \.errors),
        ("state_changes", \.stateChanges), ("schema_version", \.schemaVersion),
    ]
    private static let values: [(AnyCodingKey, WritableKeyPath<Self, Double?> & Sendable)] = [
        ("state_seconds", \.stateSeconds), ("last_error_age_seconds", \.lastErrorAgeSeconds),
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(state: container.lenient("state"))
        database = container.lenient("database")
        lastError = container.lenient("last_error")
        for (key, path) in Self.counts { self[keyPath: path] = container.lenient(key) }
        for (key, path) in Self.values { self[keyPath: path] = container.lenient(key) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encodeIfPresent(state, forKey: "state")
        try container.encodeIfPresent(database, forKey: "database")
        for (key, path) in Self.counts { try container.encodeIfPresent(self[keyPath: path], forKey: key) }
        for (key, path) in Self.values { try container.encodeIfPresent(self[keyPath: path], forKey: key) }
        try container.encodeIfPresent(lastError, forKey: "last_error")
    }
}

extension IMSummary {
    /// This node in its cluster (`/summary`'s `cluster`, only with `postgres_url`).
    public struct Cluster: Sendable, Equatable {
        public var nodeID: String?
        /// Live nodes, this one included, as of its last heartbeat.
        public var nodesLive: Int64?
        /// Notifications sent to and received from other nodes since start.
        public var notificationsSent: Int64?
        public var notificationsReceived: Int64?
        /// Queues (a user's, or a super group's) the periodic check found behind what the bus delivered
        /// (a notification was lost), whose users were told to sync, since start.
        public var busMisses: Int64?
        /// How old the last received notification was when it arrived, in milliseconds.
        public var busLagMilliseconds: Double?

        public init(nodeID: String? = nil) {
            self.nodeID = nodeID
        }
    }
}

extension IMSummary.Cluster: Codable {
    private static let counts: [(AnyCodingKey, WritableKeyPath<Self, Int64?> & Sendable)] = [
        ("nodes_live", \.nodesLive), ("notifications_sent", \.notificationsSent),
        ("notifications_received", \.notificationsReceived), ("bus_misses", \.busMisses),
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(nodeID: container.lenient("node_id"))
        for (key, path) in Self.counts { self[keyPath: path] = container.lenient(key) }
        busLagMilliseconds = container.lenient("bus_lag_ms")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encodeIfPresent(nodeID, forKey: "node_id")
        for (key, path) in Self.counts { try container.encodeIfPresent(self[keyPath: path], forKey: key) }
        try container.encodeIfPresent(busLagMilliseconds, forKey: "bus_lag_ms")
    }
}
