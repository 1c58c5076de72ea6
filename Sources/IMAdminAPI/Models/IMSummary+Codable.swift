/// `/summary`'s JSON: snake_case keys, `apps` keyed by the app id as a string, GoBelieve's `app_<id>`
/// named after the app. Decoding is lenient (see `IMSummary`).
extension IMSummary: Codable {
    /// The integer figures at the top level, by their keys.
    private static let counts: [(AnyCodingKey, WritableKeyPath<IMSummary, Int64?> & Sendable)] = [
        ("goroutine_count", \.goroutineCount), ("connection_count", \.connectionCount),
        ("client_count", \.clientCount), ("clientset_count", \.clientsetCount),
        ("in_message_count", \.inMessageCount), ("out_message_count", \.outMessageCount),
        ("uptime_seconds", \.uptimeSeconds), ("started_at", \.startedAt), ("accepted_count", \.acceptedCount),
        ("login_count", \.loginCount), ("login_failed_count", \.loginFailedCount),
        ("protocol_error_count", \.protocolErrorCount), ("idle_closed_count", \.idleClosedCount),
        ("dropped_push_count", \.droppedPushCount), ("slow_consumer_closed_count", \.slowConsumerClosedCount),
        ("refused_message_count", \.refusedMessageCount), ("store_failure_count", \.storeFailureCount),
        ("sync_count", \.syncCount), ("synced_message_count", \.syncedMessageCount),
        ("accept_error_count", \.acceptErrorCount), ("room_count", \.roomCount),
        ("room_client_count", \.roomClientCount), ("group_count", \.groupCount), ("word_count", \.wordCount),
        ("tls_handshake_failure_count", \.tlsHandshakeFailureCount),
    ]

    /// GoBelieve's prefix of the requested app's key.
    private static let appPrefix = "app_"

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init()
        for (key, path) in Self.counts { self[keyPath: path] = container.lenient(key) }
        nodeID = container.lenient("node_id")
        version = container.lenient("version")
        transports = container.lenient("transports")
        push = container.lenient("push")
        process = container.lenient("process")
        store = container.lenient("store")
        postgres = container.lenient("postgres")
        cluster = container.lenient("cluster")
        replication = container.lenient("replication")
        refused = container.lenient("refused")
        // An app whose key is not an id or whose entry is not an object is left out, not the whole map.
        if let entries = try? container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: "apps") {
            var apps: [Int64: AppCounts] = [:]
            for key in entries.allKeys {
                guard let appID = Int64(key.stringValue), let app = entries.lenient(key, as: AppCounts.self) else {
                    continue
                }
                apps[appID] = apps[appID] ?? app
            }
            self.apps = apps
        }
        // GoBelieve sends one `app_<id>`, for the app asked for; the lowest id wins if there were more.
        let requested = container.allKeys.compactMap { key -> Int64? in
            key.stringValue.hasPrefix(Self.appPrefix) ? Int64(key.stringValue.dropFirst(Self.appPrefix.count)) : nil
        }
        if let appID = requested.min(), var app = container.lenient(AnyCodingKey("app_\(appID)"), as: RequestedApp.self) {
            app.appID = appID
            requestedApp = app
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for (key, path) in Self.counts { try container.encodeIfPresent(self[keyPath: path], forKey: key) }
        try container.encodeIfPresent(nodeID, forKey: "node_id")
        try container.encodeIfPresent(version, forKey: "version")
        try container.encodeIfPresent(transports, forKey: "transports")
        try container.encodeIfPresent(push, forKey: "push")
        try container.encodeIfPresent(process, forKey: "process")
        try container.encodeIfPresent(store, forKey: "store")
        try container.encodeIfPresent(postgres, forKey: "postgres")
        try container.encodeIfPresent(cluster, forKey: "cluster")
        try container.encodeIfPresent(replication, forKey: "replication")
        try container.encodeIfPresent(refused, forKey: "refused")
        if let apps {
            try container.encode(
                Dictionary(uniqueKeysWithValues: apps.map { (String($0.key), $0.value) }),
                forKey: "apps"
            )
        }
        if let requestedApp {
            try container.encode(requestedApp, forKey: AnyCodingKey("\(Self.appPrefix)\(requestedApp.appID)"))
        }
    }
}

extension IMSummary.RequestedApp: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        appID = 0
        clientsetCount = container.lenient("clientset_count")
        clientCount = container.lenient("client_count")
        roomCount = container.lenient("room_count")
        roomClientCount = container.lenient("room_client_count")
        if let stat = container.lenient("room_stat", as: [String: Int64].self) {
            roomStat = Dictionary(stat.compactMap { key, value in Int64(key).map { ($0, value) } }) { first, _ in first }
        }
    }

    /// Without `appID`, which is in the key (`app_<id>`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encodeIfPresent(clientsetCount, forKey: "clientset_count")
        try container.encodeIfPresent(clientCount, forKey: "client_count")
        try container.encodeIfPresent(roomCount, forKey: "room_count")
        try container.encodeIfPresent(roomClientCount, forKey: "room_client_count")
        if let roomStat {
            try container.encode(
                Dictionary(uniqueKeysWithValues: roomStat.map { (String($0.key), $0.value) }),
                forKey: "room_stat"
            )
        }
    }
}

extension IMSummary.AppCounts: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(
            clientCount: container.lenient("client_count"),
            clientsetCount: container.lenient("clientset_count"),
            roomCount: container.lenient("room_count"),
            roomClientCount: container.lenient("room_client_count")
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encodeIfPresent(clientCount, forKey: "client_count")
        try container.encodeIfPresent(clientsetCount, forKey: "clientset_count")
        try container.encodeIfPresent(roomCount, forKey: "room_count")
        try container.encodeIfPresent(roomClientCount, forKey: "room_client_count")
    }
}

extension IMSummary.Transport: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(connections: container.lenient("connections"), accepted: container.lenient("accepted"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encodeIfPresent(connections, forKey: "connections")
        try container.encodeIfPresent(accepted, forKey: "accepted")
    }
}

extension IMSummary.Process: Codable {
    private static let counts: [(AnyCodingKey, WritableKeyPath<Self, Int64?> & Sendable)] = [
        ("rss_bytes", \.rssBytes), ("virtual_bytes", \.virtualBytes), ("threads", \.threads),
        ("open_files", \.openFiles), ("max_open_files", \.maxOpenFiles), ("cpu_count", \.cpuCount),
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init()
        for (key, path) in Self.counts { self[keyPath: path] = container.lenient(key) }
        cpuSeconds = container.lenient("cpu_seconds")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for (key, path) in Self.counts { try container.encodeIfPresent(self[keyPath: path], forKey: key) }
        try container.encodeIfPresent(cpuSeconds, forKey: "cpu_seconds")
    }
}

extension IMSummary.Push: Codable {
    private static let counts: [(AnyCodingKey, WritableKeyPath<Self, Int64?> & Sendable)] = [
        ("queued", \.queued), ("sent", \.sent), ("failed", \.failed), ("expired", \.expired),
        ("dropped", \.dropped), ("batches", \.batches), ("pending", \.pending),
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.init(enabled: container.lenient("enabled"))
        webhook = container.lenient("webhook")
        for (key, path) in Self.counts { self[keyPath: path] = container.lenient(key) }
        oldestAgeSeconds = container.lenient("oldest_age_seconds")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encodeIfPresent(enabled, forKey: "enabled")
        try container.encodeIfPresent(webhook, forKey: "webhook")
        for (key, path) in Self.counts { try container.encodeIfPresent(self[keyPath: path], forKey: key) }
        try container.encodeIfPresent(oldestAgeSeconds, forKey: "oldest_age_seconds")
    }
}
