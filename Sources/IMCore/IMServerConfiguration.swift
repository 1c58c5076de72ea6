import Logging

/// Everything an `IMServer` needs to run, with every default in one place.
///
/// Configuration is data: IMCore never reads files, flags or the environment; `imd` builds this from its
/// config file, flags and env vars, and an embedder builds it in code. `validate()` names the field that
/// is wrong.
public struct IMServerConfiguration: Sendable {
    /// A host and port to listen on. Port 0 picks a free port (see `IMServer.clientAddress`).
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `HOST:PORT` (`[v6]:PORT` for IPv6); nil if malformed.
        public init?(parsing text: String) {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            var host = String(text[..<colon])
            guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if host.isEmpty { host = "0.0.0.0" }
            self.init(host: host, port: port)
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// When appended messages count as durable (and so when they are ACKed).
    public enum FsyncPolicy: String, Sendable, CaseIterable {
        /// Group commit: fsync once per batch before any of its messages is ACKed. The default.
        case batch
        /// GoBelieve's: ACK once written; fsync every `Storage.fsyncInterval` (a power loss loses up to that).
        case interval
        /// fsync only on shutdown. For tests.
        case none
    }

    /// The message store (`LogStore` in `dataDirectory/messages`).
    public struct Storage: Sendable {
        /// Default `.batch`.
        public var fsync: FsyncPolicy = .batch
        /// How often `.interval` fsyncs. Default 1 s.
        public var fsyncInterval: Duration = .seconds(1)
        /// Segment file size. Default 64 MiB.
        public var segmentSize: Int = 64 << 20
        /// Snapshot the index after this many new log bytes. Default 256 MiB.
        public var snapshotEveryBytes: Int = 256 << 20
        /// And after this long if anything was appended. Default 5 minutes.
        public var snapshotInterval: Duration = .seconds(300)

        public init() {}
    }

    /// Per-connection behaviour (PROTOCOL §2 and §5).
    public struct Session: Sendable {
        /// A connection that sends no complete frame for this long is closed. Default 360 s (GoBelieve's).
        public var idleTimeout: Duration = .seconds(360)
        /// The most messages one `MSG_SYNC` reply carries; more are announced with `MSG_SYNC_NOTIFY`.
        /// Default 3000.
        public var syncBatchLimit: Int = 3000
        /// Real-time pushes queued for a client that is not reading; past it the oldest are dropped.
        /// Default 300 frames (GoBelieve's).
        public var maxQueuedPushes: Int = 300
        /// Bytes the kernel and NIO may buffer for one connection before it counts as not reading.
        /// Default 256 KiB.
        public var writeBufferHighWater: Int = 256 << 10
        /// A client with this many bytes of replies (ACKs, sync pages) waiting is disconnected; it
        /// catches up by sync when it reconnects. Default 64 MiB.
        public var maxPendingReplyBytes: Int = 64 << 20
        /// Connections per user; when exceeded the oldest is closed. 0 = unlimited (the default).
        public var maxConnectionsPerUser: Int = 0

        public init() {}
    }

    /// The admin HTTP API (DESIGN §6).
    public struct Admin: Sendable {
        /// Where it listens; nil disables it. Default `127.0.0.1:6666` (GoBelieve's port).
        public var address: Endpoint? = Endpoint(host: "127.0.0.1", port: 6666)
        /// The bearer token every endpoint except `/summary` and `/metrics` requires. nil turns
        /// authentication off (`imd` allows that only on a loopback address).
        public var token: String?

        public init() {}
    }

    /// The data directory: the message log in `messages/`, the directory database `directory.sqlite`.
    /// Default `./data`.
    public var dataDirectory: String
    /// The client TCP listener. Default `0.0.0.0:23000` (GoBelieve's).
    public var clientAddress = Endpoint(host: "0.0.0.0", port: 23000)
    public var admin = Admin()
    /// HS256 secret for JWT logins (PROTOCOL §2); nil accepts only admin-issued tokens.
    public var jwtSecret: String?
    public var storage = Storage()
    public var session = Session()
    /// This node's name in `/summary` and logs. Default: the host name.
    public var nodeID: String
    /// Event-loop threads for client connections. Default: one per core.
    public var eventLoopThreads: Int = System.coreCount
    /// The version `/summary` and `/metrics` report; `imd` sets its build's. Default `IMServer.version`.
    public var version: String = IMServer.version
    /// The customer-service app id for `MSG_CUSTOMER_V2` (0 = none): a customer message must come from
    /// or go to this app (reference §6.2).
    public var kefuAppID: Int64 = 0
    /// The sensitive-word file (one word per line, `#` comments): the JSON `text` field of peer and group
    /// messages sent with the TEXT flag is filtered. Re-read by `POST /words/reload`. nil: no filter.
    public var wordFile: String?
    /// Refuse a peer message unless sender and receiver list each other as friends (ACK status 1 or 2,
    /// reference §5.6). Default false.
    public var friendshipCheck = false
    /// Refuse a peer message to a user who blacklisted the sender (ACK status 3). Default false.
    public var blacklistCheck = false
    public var logger = Logger(label: "im")

    /// A configuration with every default, storing in `dataDirectory`.
    public init(dataDirectory: String = "./data") {
        self.dataDirectory = dataDirectory
        self.nodeID = System.hostName
    }

    /// Checks every field; the error names the first that is wrong.
    public func validate() throws(IMConfigurationError) {
        if dataDirectory.isEmpty { throw IMConfigurationError(field: "data_dir", "must not be empty") }
        for (name, endpoint) in [("listen", clientAddress), ("admin_listen", admin.address)] {
            if let endpoint, !(0...65535).contains(endpoint.port) {
                throw IMConfigurationError(field: name, "port \(endpoint.port) is outside 0...65535")
            }
        }
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
        if storage.segmentSize < 4 << 20 {
            throw IMConfigurationError(field: "segment_size", "must be at least 4 MiB")
        }
        if eventLoopThreads < 1 { throw IMConfigurationError(field: "threads", "must be at least 1") }
        if let wordFile, wordFile.isEmpty { throw IMConfigurationError(field: "word_file", "must not be empty") }
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
