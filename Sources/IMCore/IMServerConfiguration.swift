import Foundation
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

        /// Whether the host is the wildcard address (0.0.0.0 or ::): every interface, reachable at none.
        public var isUnspecified: Bool { host == "0.0.0.0" || host == "::" || host == "[::]" }
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
        /// Delete whole segments whose newest message is older than this. Default `.zero`: keep forever.
        public var retention: Duration = .zero
        /// Delete the oldest whole segments while the log takes more bytes than this. Default 0: no limit.
        public var retentionBytes: Int = 0

        public init() {}
    }

    /// The cluster's database (ARCHITECTURE.md §5). With `url`, messages live in PostgreSQL instead of
    /// the message log in `dataDirectory`; without it (the default) nothing changes.
    public struct Postgres: Sendable {
        /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable|prefer|require`; nil (the default):
        /// the embedded store.
        public var url: String?
        /// Connections the server keeps to the database at most. Default 8.
        public var poolSize: Int = 8
        /// How long a connection attempt or a statement may go without an answer before it counts as
        /// failed (an append then fails and is not acknowledged). Default 10 s.
        public var timeout: Duration = .seconds(10)

        public init() {}
    }

    /// LogStore replication (the embedded store only): a primary serves its log to replicas over TCP; a
    /// replica follows one primary, serves clients read-only and can be promoted.
    public struct Replication: Sendable {
        /// Where replicas connect (`replication_listen`). Default nil: no replica is served.
        public var listen: Endpoint?
        /// The secret a replica must present (`replication_token`); required by `listen` and `replicaOf`.
        public var token: String?
        /// The primary this server follows (`replica_of`): it then takes no appends until promoted.
        /// Default nil: a primary.
        public var replicaOf: Endpoint?
        /// When a message is ACKed: `async` (default) once it is durable here, `sync` once at least
        /// `minReplicas` replicas also have it durably.
        public var mode: Mode = .async
        /// `sync`: replicas that must have a message before it is ACKed. Default 1.
        public var minReplicas: Int = 1
        /// `sync`: how long a message waits for its replicas before it is refused (ACK 68). Default 2 s.
        public var timeout: Duration = .seconds(2)
        /// Encrypts the stream with TLS (`replication_tls`): a primary serves it with the server's
        /// certificate (`cert_file`, `key_file`); a replica checks the primary's. Set on both. Default false.
        public var tls = false
        /// The CA certificates (PEM) a replica trusts for its primary's certificate (`replication_ca_file`).
        /// Default nil: the system's trust roots.
        public var caFile: String?

        public enum Mode: String, Sendable, CaseIterable {
            case async
            case sync
        }

        public init() {}
    }

    /// Per-connection behaviour (PROTOCOL.md §2 and §5).
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

    /// What one client, one address or everyone together may take (hostile clients): each refusal is
    /// counted in `/summary`'s `refused` and `/metrics`' `im_refused_total{cause}`. The defaults are
    /// out of reach of any legitimate client and of imbench's scenarios.
    public struct Limits: Sendable {
        /// A connection that has not logged in this long after it was accepted (for WebSocket: after
        /// the upgrade, which must itself come within this time) is closed. Default 10 s; zero turns it off.
        public var loginTimeout: Duration = .seconds(10)
        /// Client connections open at once, all listeners together; past it a new connection is closed at
        /// once. 0 (the default) = unlimited; `imd` sets it from the open-files limit.
        public var maxConnections: Int = 0
        /// Client connections open at once from one IP address. 0 (the default) = unlimited (users behind
        /// one NAT share an address).
        public var maxConnectionsPerIP: Int = 0
        /// Messages (IM, GROUP_IM, customer, ROOM_IM, RT) one connection may send per second on average,
        /// with bursts of `messageBurst`: past it a v2 client's message is refused with ACK 67, and a v0/v1
        /// client (which has no status to read) is disconnected. 0 (the default) = unlimited: load testers
        /// send thousands per second on one connection.
        public var maxMessagesPerSecond: Int = 0
        /// The burst of `maxMessagesPerSecond`. 0 (the default) = twice the rate, at least 10.
        public var messageBurst: Int = 0
        /// Failed logins one connection may make; the next failure closes it. Default 5; 0 = unlimited.
        public var maxLoginFailures: Int = 5
        /// Failed logins from one IP address per minute; past it the address's logins are refused (the
        /// connection closed) until the minute is over. 0 (the default) = unlimited.
        public var maxLoginFailuresPerIP: Int = 0

        /// `messageBurst` with its default applied.
        public var effectiveMessageBurst: Int {
            messageBurst > 0 ? messageBurst : max(10, maxMessagesPerSecond * 2)
        }

        public init() {}
    }

    /// The admin HTTP API (ARCHITECTURE.md §6).
    public struct Admin: Sendable {
        /// Where it listens; nil disables it. Default `127.0.0.1:6666` (GoBelieve's port).
        public var address: Endpoint? = Endpoint(host: "127.0.0.1", port: 6666)
        /// The bearer token every endpoint except `/summary` and `/metrics` requires. nil turns
        /// authentication off (`imd` allows that only on a loopback address).
        public var token: String?
        /// Serves `GET /lookup` without the token, for clients that ask where to connect. Default false.
        public var lookupPublic = false
        /// Serves `/summary`, `/metrics` and `/health` without the token (GoBelieve's `/summary` is open,
        /// and scrapers expect it). Default true; false makes them need it too.
        public var monitoringPublic = true

        public init() {}
    }

    /// The certificate chain and private key the TLS and WSS listeners serve (GoBelieve's `cert_file`,
    /// `key_file`): PEM files, read when the server is created and again by `IMServer.reloadTLS()`.
    public struct TLS: Sendable, Hashable {
        /// The certificate chain, leaf first (`cert_file`), as Let's Encrypt's `fullchain.pem`.
        public var certificateFile: String
        /// The private key (`key_file`), PEM (PKCS#8, PKCS#1 or SEC1), unencrypted.
        public var keyFile: String

        public init(certificateFile: String, keyFile: String) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// The WebSocket listeners (PROTOCOL.md §1.1): path `/ws`, one protocol frame per binary
    /// message.
    public struct WebSocket: Sendable {
        /// The largest WebSocket message accepted; a bigger one closes the connection. Default 64 KiB
        /// (GoBelieve's read limit). At least the largest frame, `IMFrame.headerSize + 32767` bytes.
        public var maxMessageSize: Int = 64 << 10

        public init() {}
    }

    /// The offline push hook (PROTOCOL.md §9): when a stored message reaches a user with no session that
    /// counts as online, a push job is kept in `dataDirectory/push.sqlite` and posted, in batches, to
    /// `webhook` as JSON shaped like GoBelieve's push queues. No webhook: no jobs are made or kept.
    public struct Push: Sendable {
        /// Where batches are POSTed (`push_webhook`); nil (the default) turns the hook off.
        public var webhook: String?
        /// Sent as `Authorization: Bearer <token>` with every batch, if set (`push_webhook_token`).
        public var webhookToken: String?
        /// The most jobs in one POST. Default 100.
        public var batchSize: Int = 100
        /// How long one POST may take before it counts as failed. Default 10 s.
        public var requestTimeout: Duration = .seconds(10)
        /// The wait after the first failed POST; doubled after each further failure up to `retryMax`.
        /// Default 1 s.
        public var retryInitial: Duration = .seconds(1)
        /// The longest wait between retries. Default 60 s.
        public var retryMax: Duration = .seconds(60)
        /// Jobs kept waiting at most; past it new jobs are dropped (and counted). Default 1,000,000.
        public var maxPendingJobs: Int = 1_000_000
        /// A job still undelivered after this long is dropped (and counted): a notification that late
        /// helps nobody. Default 24 hours.
        public var maxJobAge: Duration = .seconds(86_400)

        public init() {}
    }

    /// The data directory: the message log in `messages/`, the directory database `directory.sqlite`,
    /// pending push jobs in `push.sqlite`. Default `./data`.
    public var dataDirectory: String
    /// The client TCP listener. Default `0.0.0.0:23000` (GoBelieve's).
    public var clientAddress = Endpoint(host: "0.0.0.0", port: 23000)
    /// The client TLS listener (GoBelieve's `ssl_port`): the same protocol over TLS with `tls`'s
    /// certificate. Default nil (off).
    public var tlsAddress: Endpoint?
    /// The WebSocket listener (GoBelieve's `ws_address`), path `/ws`. Default nil (off).
    public var webSocketAddress: Endpoint?
    /// The WebSocket-over-TLS listener (GoBelieve's `wss_address`) with `tls`'s certificate. Default nil (off).
    public var secureWebSocketAddress: Endpoint?
    /// The certificate and key for `tlsAddress` and `secureWebSocketAddress`; required by either.
    public var tls: TLS?
    public var webSocket = WebSocket()
    public var push = Push()
    public var admin = Admin()
    /// HS256 secret for JWT logins (PROTOCOL.md §2); nil accepts only admin-issued tokens.
    public var jwtSecret: String?
    public var storage = Storage()
    public var postgres = Postgres()
    public var replication = Replication()
    public var session = Session()
    public var limits = Limits()
    /// This node's name in `/summary` and logs. Default: the host name.
    public var nodeID: String
    /// The addresses clients reach this node at, per transport, as `/lookup` and `/nodes` give them out
    /// (behind NAT or a load balancer). A transport without one gives its listen address; a listener on
    /// 0.0.0.0 or :: then gives the host name (said at start). Default: none.
    public var advertise: [IMTransport: Endpoint] = [:]
    /// Event-loop threads for client connections. Default: one per core.
    public var eventLoopThreads: Int = System.coreCount
    /// The version `/summary` and `/metrics` report; `imd` sets its build's. Default `IMServer.version`.
    public var version: String = IMServer.version
    /// The customer-service app id for `MSG_CUSTOMER_V2` (0 = none): a customer message must come from
    /// or go to this app (PROTOCOL.md §6.2).
    public var kefuAppID: Int64 = 0
    /// The sensitive-word file (one word per line, `#` comments): the JSON `text` field of peer and group
    /// messages sent with the TEXT flag is filtered. Re-read by `POST /words/reload`. nil: no filter.
    public var wordFile: String?
    /// Refuse a peer message unless sender and receiver list each other as friends (ACK status 1 or 2,
    /// PROTOCOL.md §5.6). Default false.
    public var friendshipCheck = false
    /// Refuse a peer message to a user who blacklisted the sender (ACK status 3). Default false.
    public var blacklistCheck = false
    public var logger = Logger(label: "im")

    /// A configuration with every default, storing in `dataDirectory`.
    public init(dataDirectory: String = "./data") {
        self.dataDirectory = dataDirectory
        self.nodeID = System.hostName
    }
}
