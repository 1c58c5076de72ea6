import Foundation

extension IMServerConfiguration {
    /// Checks every field; the error names the first that is wrong.
    public func validate() throws(IMConfigurationError) {
        if dataDirectory.isEmpty { throw IMConfigurationError(field: "data_dir", "must not be empty") }
        try validateListeners()
        try push.validate()
        if let token = admin.token, token.isEmpty {
            throw IMConfigurationError(field: "admin_token", "must not be empty (omit it to turn auth off)")
        }
        if let secret = jwtSecret, secret.isEmpty {
            throw IMConfigurationError(field: "jwt_secret", "must not be empty")
        }
        if session.idleTimeout <= .zero { throw IMConfigurationError(field: "idle_timeout", "must be positive") }
        if session.syncBatchLimit < 1 { throw IMConfigurationError(field: "sync_limit", "must be at least 1") }
        if session.maxQueuedPushes < 1 {
            throw IMConfigurationError(field: "max_queued_pushes", "must be at least 1")
        }
        if session.maxConnectionsPerUser < 0 {
            throw IMConfigurationError(field: "max_connections_per_user", "must not be negative")
        }
        try limits.validate()
        if storage.segmentSize < 4 << 20 {
            throw IMConfigurationError(field: "segment_size", "must be at least 4 MiB")
        }
        if storage.retention < .zero { throw IMConfigurationError(field: "retention", "must not be negative") }
        if storage.retentionBytes < 0 {
            throw IMConfigurationError(field: "retention_bytes", "must not be negative")
        }
        if eventLoopThreads < 1 { throw IMConfigurationError(field: "threads", "must be at least 1") }
        try postgres.validate()
        try replication.validate(embedded: postgres.url == nil, hasCertificate: tls != nil)
        if let wordFile, wordFile.isEmpty { throw IMConfigurationError(field: "word_file", "must not be empty") }
    }

    /// The listeners, their certificate and what is advertised of them.
    private func validateListeners() throws(IMConfigurationError) {
        let listeners: [(String, Endpoint?)] = [
            ("listen", clientAddress), ("tls_listen", tlsAddress), ("ws_listen", webSocketAddress),
            ("wss_listen", secureWebSocketAddress), ("admin_listen", admin.address),
        ]
        for (name, endpoint) in listeners {
            if let endpoint, !(0...65535).contains(endpoint.port) {
                throw IMConfigurationError(field: name, "port \(endpoint.port) is outside 0...65535")
            }
        }
        for (name, endpoint) in [("tls_listen", tlsAddress), ("wss_listen", secureWebSocketAddress)]
        where endpoint != nil && tls == nil {
            throw IMConfigurationError(field: name, "needs a certificate: set cert_file and key_file")
        }
        if let tls {
            if tls.certificateFile.isEmpty { throw IMConfigurationError(field: "cert_file", "must not be empty") }
            if tls.keyFile.isEmpty { throw IMConfigurationError(field: "key_file", "must not be empty") }
        }
        if webSocket.maxMessageSize < IMFrame.headerSize + IMFrame.maxClientBodySize {
            throw IMConfigurationError(
                field: "ws_max_message_size",
                "must be at least \(IMFrame.headerSize + IMFrame.maxClientBodySize) bytes (the largest frame)"
            )
        }
        for (transport, endpoint) in advertise {
            if listenAddress(transport) == nil {
                throw IMConfigurationError(
                    field: "advertise", "\(transport) is advertised but \(transport.listenKey) is off"
                )
            }
            if !(1...65535).contains(endpoint.port) || endpoint.isUnspecified {
                throw IMConfigurationError(
                    field: "advertise", "\(transport)=\(endpoint) is not an address clients can connect to"
                )
            }
        }
    }
}

extension IMServerConfiguration.Replication {
    func validate(embedded: Bool, hasCertificate: Bool) throws(IMConfigurationError) {
        for (field, endpoint) in [("replication_listen", listen), ("replica_of", replicaOf)] {
            guard let endpoint else { continue }
            if !embedded {
                throw IMConfigurationError(field: field, "replicates the embedded store: it cannot be used with postgres_url")
            }
            if !(0...65535).contains(endpoint.port) || (field == "replica_of" && (endpoint.port == 0 || endpoint.isUnspecified)) {
                throw IMConfigurationError(field: field, "\(endpoint) is not an address to \(field == "replica_of" ? "connect to" : "listen on")")
            }
            if token?.isEmpty ?? true {
                throw IMConfigurationError(field: "replication_token", "must be set (and not empty) with \(field)")
            }
        }
        if tls && listen != nil && !hasCertificate {
            throw IMConfigurationError(
                field: "replication_tls", "needs cert_file and key_file: a primary serves the stream with the server's certificate"
            )
        }
        if let caFile, caFile.isEmpty { throw IMConfigurationError(field: "replication_ca_file", "must not be empty") }
        if minReplicas < 1 { throw IMConfigurationError(field: "replication_min_replicas", "must be at least 1") }
        if timeout <= .zero { throw IMConfigurationError(field: "replication_timeout", "must be positive") }
        if mode == .sync && listen == nil && replicaOf == nil {
            throw IMConfigurationError(field: "replication", "sync needs replication_listen (replicas to wait for)")
        }
    }
}

extension IMServerConfiguration.Limits {
    func validate() throws(IMConfigurationError) {
        if loginTimeout < .zero { throw IMConfigurationError(field: "login_timeout", "must not be negative") }
        let counts = [
            ("max_connections", maxConnections), ("max_connections_per_ip", maxConnectionsPerIP),
            ("max_messages_per_second", maxMessagesPerSecond), ("message_burst", messageBurst),
            ("max_login_failures", maxLoginFailures), ("max_login_failures_per_ip", maxLoginFailuresPerIP),
        ]
        for (field, value) in counts where value < 0 {
            throw IMConfigurationError(field: field, "must not be negative (0 turns the limit off)")
        }
    }
}

extension IMServerConfiguration.Push {
    func validate() throws(IMConfigurationError) {
        if let webhook {
            guard let url = URL(string: webhook), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else {
                throw IMConfigurationError(
                    field: "push_webhook",
                    "expected an http:// or https:// URL, got \"\(webhook)\""
                )
            }
        }
        if let token = webhookToken, token.isEmpty {
            throw IMConfigurationError(field: "push_webhook_token", "must not be empty")
        }
        if batchSize < 1 { throw IMConfigurationError(field: "push_batch_size", "must be at least 1") }
        if requestTimeout <= .zero { throw IMConfigurationError(field: "push_timeout", "must be positive") }
        if retryInitial <= .zero { throw IMConfigurationError(field: "push_retry_initial", "must be positive") }
        if retryMax < retryInitial {
            throw IMConfigurationError(field: "push_retry_max", "must not be shorter than push_retry_initial")
        }
        if maxPendingJobs < 1 { throw IMConfigurationError(field: "push_max_pending", "must be at least 1") }
        if maxJobAge <= .zero { throw IMConfigurationError(field: "push_max_age", "must be positive") }
    }
}

/// A configuration field with a bad value.
public struct IMConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The field's name as the config file spells it (`data_dir`, `listen`, ...).
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
