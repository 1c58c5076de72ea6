/// A node of the cluster as `GET /nodes` lists it: its client addresses, whether it is live and its load
/// from its last heartbeat. A server without `postgres_url` is a cluster of one: itself.
public struct IMNode: Codable, Sendable, Equatable {
    /// `live` while its lease runs (it heartbeats every 2 s), else `dead`.
    public enum State: String, Codable, Sendable {
        case live, dead
    }

    public var nodeID: String
    public var state: State
    /// The addresses clients connect to, per transport (`advertise`, else the listen addresses).
    public var addresses: IMNodeAddresses
    /// Seconds since its last heartbeat (to the millisecond).
    public var heartbeatAgeSeconds: Double
    /// Unix seconds of its start.
    public var startedAt: Int64
    public var version: String
    /// Client connections at its last heartbeat.
    public var connections: Int64
    /// Messages received from clients per second at its last heartbeat.
    public var messagesPerSecond: Double
    /// CPU seconds per second (1.0 = one core busy) at its last heartbeat.
    public var cpu: Double
    /// Its admin API, `http://HOST:PORT` (what imtop polls), when it serves one.
    public var admin: String?

    enum CodingKeys: String, CodingKey {
        case state, version, connections, cpu, admin
        case nodeID = "node_id"
        case heartbeatAgeSeconds = "heartbeat_age_seconds"
        case startedAt = "started_at"
        case messagesPerSecond = "messages_per_second"
    }

    public init(
        nodeID: String,
        state: State,
        addresses: IMNodeAddresses,
        heartbeatAgeSeconds: Double,
        startedAt: Int64,
        version: String,
        connections: Int64,
        messagesPerSecond: Double,
        cpu: Double,
        admin: String? = nil
    ) {
        self.nodeID = nodeID
        self.state = state
        self.addresses = addresses
        self.heartbeatAgeSeconds = heartbeatAgeSeconds
        self.startedAt = startedAt
        self.version = version
        self.connections = connections
        self.messagesPerSecond = messagesPerSecond
        self.cpu = cpu
        self.admin = admin
    }

    /// The addresses sit beside the other fields: `{"node_id":..,"tcp":..,"ws":..,"state":..}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nodeID = try container.decode(String.self, forKey: .nodeID)
        state = try container.decode(State.self, forKey: .state)
        addresses = try IMNodeAddresses(from: decoder)
        heartbeatAgeSeconds = try container.decode(Double.self, forKey: .heartbeatAgeSeconds)
        startedAt = try container.decode(Int64.self, forKey: .startedAt)
        version = try container.decode(String.self, forKey: .version)
        connections = try container.decode(Int64.self, forKey: .connections)
        messagesPerSecond = try container.decode(Double.self, forKey: .messagesPerSecond)
        cpu = try container.decode(Double.self, forKey: .cpu)
        admin = try container.decodeIfPresent(String.self, forKey: .admin)
    }

    public func encode(to encoder: any Encoder) throws {
        try addresses.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
        try container.encode(heartbeatAgeSeconds, forKey: .heartbeatAgeSeconds)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(version, forKey: .version)
        try container.encode(connections, forKey: .connections)
        try container.encode(messagesPerSecond, forKey: .messagesPerSecond)
        try container.encode(cpu, forKey: .cpu)
        try container.encodeIfPresent(admin, forKey: .admin)
    }
}

/// A node's client addresses (`HOST:PORT`), only for the transports it serves; `GET /lookup`'s data.
public struct IMNodeAddresses: Codable, Sendable, Equatable {
    public var nodeID: String
    public var tcp: String?
    public var tls: String?
    public var ws: String?
    public var wss: String?

    enum CodingKeys: String, CodingKey {
        case tcp, tls, ws, wss
        case nodeID = "node_id"
    }

    public init(nodeID: String, tcp: String? = nil, tls: String? = nil, ws: String? = nil, wss: String? = nil) {
        self.nodeID = nodeID
        self.tcp = tcp
        self.tls = tls
        self.ws = ws
        self.wss = wss
    }

    /// Whether a client can reach it at all.
    public var isEmpty: Bool { tcp == nil && tls == nil && ws == nil && wss == nil }
}
