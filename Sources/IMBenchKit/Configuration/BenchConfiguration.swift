import IMCore
import NIOSSL

/// Everything one imbench run needs, with every default in one place. The `imbench` executable builds it
/// from flags; tests build it in code.
package struct BenchConfiguration: Sendable {
    /// Where the server is.
    package enum Target: Sendable {
        /// Start an `IMServer` in this process, in a temporary data directory; with `postgres`, its
        /// messages go to that PostgreSQL database (`postgres_url`).
        case embedded(fsync: IMServerConfiguration.FsyncPolicy, threads: Int, postgres: String? = nil)
        /// A running server: its client port, and either its admin API (to issue tokens and sample
        /// `/summary`) or a tokens file.
        case remote(host: String, port: Int)
    }

    /// How users' tokens are obtained for a remote server.
    package enum Tokens: Sendable {
        /// `POST /auth/token` on the admin API at `url` with the bearer `token`.
        case admin(url: String, token: String?)
        /// Lines `uid token` (blank lines and `#` comments skipped), used in order.
        case file(path: String)
    }

    /// How the server's TLS certificate is checked (transports tls and wss).
    package enum TLSTrust: Sendable, Equatable {
        /// The system's trust roots (the default for a remote server; an embedded server's certificate is
        /// always checked against the CA imbench made for it).
        case system
        /// Only the CA certificates in this PEM file (`--ca-file`).
        case caFile(String)
        /// No check at all (`--tls-insecure`): encrypted, not authenticated.
        case unverified
    }

    package var scenario = BenchScenarioKind.peer
    package var target = Target.embedded(fsync: .batch, threads: 1)
    /// How connections reach the server. With an embedded server imbench enables that listener (with a
    /// certificate from a throwaway CA for tls and wss). Default tcp.
    package var transport = IMTransport.tcp
    package var tlsTrust = TLSTrust.system
    /// The name the server's certificate must carry (and SNI); default the host connected to.
    package var serverName: String?
    /// For a remote target: where tokens come from (nil with an embedded server).
    package var tokens: Tokens?
    /// The admin API to sample `/summary` from, when known (set for embedded servers automatically).
    package var adminURL: String?
    package var adminToken: String?
    /// A cluster's nodes (a remote target): each user's connections go to one of them, so a run loads
    /// every node and messages cross between them. Empty: the target alone.
    package var nodes: [IMServerConfiguration.Endpoint] = []
    /// `peer` over `nodes`: each sender and its receiver on different nodes (by default a pair shares one).
    package var crossNode = false
    /// Each user asks `GET /lookup` of this admin API where to connect, as a client of a cluster would.
    package var lookupURL: String?
    package var appID: Int64 = 1
    /// The first uid; users are `uidBase`, `uidBase + 1`, ... (unless a tokens file names them).
    package var uidBase: Int64 = 1_000_000

    /// Simulated clients (connections). `peer` uses `clients / 2` pairs. Default 20.
    package var clients = 20
    /// Devices per user in `multidevice` (the receiver's; the sender has one more than its sending
    /// device). Default 3.
    package var devices = 3
    package var load = LoadModel.closed(window: 1)
    /// New connections per second (0: as fast as possible). Default 2000.
    package var connectRate: Double = 2000
    /// How long senders send, warm-up included. Default 10 s.
    package var duration: Duration = .seconds(10)
    /// Messages in all (spread over the senders); when set, a run ends after these or `duration`,
    /// whichever comes first.
    package var messages: Int?
    /// Excluded from the latency figures and throughput. Default 1 s.
    package var warmup: Duration = .seconds(1)
    /// How long to wait for outstanding ACKs and pushes after sending stops. Default 10 s.
    package var drainTimeout: Duration = .seconds(10)
    /// Content bytes per message (at least 24, the payload). Default 32.
    package var contentSize = 32
    /// Generator event-loop threads. Default: half the cores (at least 1).
    package var threads = max(1, System.coreCount / 2)
    /// Local source addresses to spread connections over (e.g. 127.0.0.2 ... 127.0.0.9).
    package var sources: [String] = []
    /// `group`: members of the group (at least `clients`; the members past `clients` are not connected
    /// and get the messages stored only). Default: `clients`.
    package var groupSize: Int?
    /// `group` and `room`: how many of the connections send. Default 1.
    package var senders = 1
    /// `group`: a super group (read diffusion) instead of a normal one.
    package var superGroup = false
    /// `group`: use this existing group (e.g. on a GoBelieve server) instead of creating one through the
    /// admin API; its members must be the run's users.
    package var groupID: Int64?
    /// `room`: the room id. Default 1.
    package var roomID: Int64 = 1
    /// `connections`: how often each idle connection pings. Default 5 s.
    package var pingInterval: Duration = .seconds(5)
    package var thresholds = BenchThresholds()
    package var progress = ProgressMode.quiet
    /// Where to write the JSON report.
    package var jsonPath: String?
    /// A stall to inject on the way to the server (tests and demonstrations): every byte in both
    /// directions is held for `length`, starting `after` into the run.
    package var injectedStall: (after: Duration, length: Duration)?

    package init() {}

    /// Checks the fields; the error names the option that is wrong.
    package func validate() throws(BenchError) {
        func fail(_ message: String) throws(BenchError) { throw BenchError(.usage, message) }
        if clients < 1 { try fail("--clients must be at least 1") }
        if scenario.needsPairs && clients < 2 { try fail("--clients must be at least 2 for \(scenario.rawValue)") }
        if devices < 1 { try fail("--devices must be at least 1") }
        switch load {
        case .closed(let window) where window < 1: try fail("--window must be at least 1")
        case .open(let rate) where rate <= 0: try fail("--rate must be positive")
        default: break
        }
        if duration <= .zero { try fail("--duration must be positive") }
        if warmup < .zero || warmup >= duration { try fail("--warmup must be shorter than --duration") }
        if let messages, messages < 1 { try fail("--messages must be at least 1") }
        if contentSize < BenchPayload.size || contentSize > 32000 {
            try fail("--size must be within \(BenchPayload.size)...32000")
        }
        if threads < 1 { try fail("--threads must be at least 1") }
        if scenario == .group || scenario == .room {
            if senders < 1 || senders > clients { try fail("--senders must be within 1...--clients (\(clients))") }
            if let groupSize, groupSize < clients { try fail("--group-size must be at least --clients (\(clients))") }
            if scenario == .group, groupID == nil, case .file = tokens {
                try fail("the group scenario creates its group through the admin API: give --admin, or --group-id")
            }
        }
        if connectRate < 0 { try fail("--connect-rate must not be negative") }
        if case .caFile(let path) = tlsTrust, (try? NIOSSLCertificate.fromPEMFile(path))?.isEmpty != false {
            try fail("--ca-file \(path): not a readable PEM certificate file")
        }
        if case .remote = target, tokens == nil {
            try fail("a remote server needs --admin URL (with --admin-token) or --tokens FILE")
        }
    }
}

extension BenchConfiguration {
    /// The client side of `transport`: for an embedded server trusting its CA (unless `--tls-insecure`).
    func clientTransport(trusting authority: CertificateAuthority?) -> IMClientTransport {
        guard transport.isSecure else { return IMClientTransport(kind: transport) }
        let tls: TLSConfiguration
        switch tlsTrust {
        case .unverified:
            tls = IMClientTransport.unverified
        case .caFile(let path):
            tls = IMClientTransport.trusting((try? NIOSSLCertificate.fromPEMFile(path)) ?? [])
        case .system:
            if let authority, let roots = try? NIOSSLCertificate.fromPEMBytes(Array(authority.certificatePEM.utf8)) {
                tls = IMClientTransport.trusting(roots)
            } else {
                tls = .makeClientConfiguration()
            }
        }
        return IMClientTransport(kind: transport, tlsConfiguration: tls, serverHostname: serverName)
    }
}

/// The scenarios.
package enum BenchScenarioKind: String, Sendable, CaseIterable, Codable {
    /// Sender→receiver pairs.
    case peer
    /// Many authenticated idle connections held with pings.
    case connections
    /// Messages to offline users, who then connect and sync.
    case offline
    /// Pairs whose users have several devices: every device gets every message.
    case multidevice
    /// One group (normal or super): senders send to it, every member connection gets every message.
    case group
    /// One chat room: senders send to it, every connection in it gets every message (not stored).
    case room

    var needsPairs: Bool { self != .connections && self != .group && self != .room }
}

/// How progress is shown while a run goes.
package enum ProgressMode: String, Sendable, CaseIterable {
    /// One human line per second on stderr.
    case lines
    /// One JSON object per second on stdout.
    case ndjson
    case quiet
}
