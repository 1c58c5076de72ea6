import ArgumentParser
import Foundation
import IMBenchKit
import IMCore

/// Where the server is and how to get tokens.
struct ServerOptions: ParsableArguments {
    @Option(help: "The server's client host; without it imbench runs an embedded server.")
    var host: String?

    @Option(help: "The server's port for --transport (with --host).")
    var port = 23000

    @Option(
        help: ArgumentHelp(
            "A cluster's nodes: each user connects to one (peer pairs share a node unless --cross-node); replaces --host.",
            valueName: "host:port,..."
        )
    )
    var nodes: String?

    @Flag(help: "peer with --nodes: each sender and its receiver on different nodes.")
    var crossNode = false

    @Option(
        help: ArgumentHelp(
            "Each user asks GET /lookup at this admin API where to connect, as a cluster's clients do.",
            valueName: "url"
        )
    )
    var lookup: String?

    @Option(
        help: ArgumentHelp(
            "The admin API base URL, to issue tokens (POST /auth/token) and sample /summary.",
            valueName: "url"
        )
    )
    var admin: String?

    @Option(help: "The admin API's bearer token.")
    var adminToken: String?

    @Option(
        help: ArgumentHelp("Tokens file, lines `uid token` (any GoBelieve-compatible server).", valueName: "file"),
        completion: .file()
    )
    var tokens: String?

    @Option(help: "The app id users are provisioned in.")
    var appID: Int64 = 1

    @Option(help: "The first uid provisioned.")
    var uidBase: Int64 = 1_000_000

    @Option(
        help: ArgumentHelp(
            "tcp, tls, ws or wss. An embedded server listens on it (tls/wss with a certificate from a throwaway CA).",
            valueName: "transport"
        ),
        completion: .list(IMTransport.allCases.map(\.rawValue))
    )
    var transport = "tcp"

    @Option(
        help: ArgumentHelp("tls/wss: trust only the CA certificates in this PEM file.", valueName: "file"),
        completion: .file()
    )
    var caFile: String?

    @Flag(help: "tls/wss: do not check the server's certificate (encrypted, not authenticated).")
    var tlsInsecure = false

    @Option(help: ArgumentHelp("tls/wss: the name the certificate must carry (default: --host).", valueName: "name"))
    var serverName: String?

    @Option(
        help: "Embedded server: fsync policy (batch, interval, none).",
        completion: .list(IMServerConfiguration.FsyncPolicy.allCases.map(\.rawValue))
    )
    var fsync: String = "batch"

    @Option(help: "Embedded server: event-loop threads (default: one per core).")
    var serverThreads: Int?

    @Option(
        help: ArgumentHelp(
            "Embedded server: keep messages in this PostgreSQL database (imd's postgres_url) instead of the log.",
            valueName: "url"
        )
    )
    var postgres: String?

    func validate() throws {
        if IMTransport(rawValue: transport) == nil {
            throw ValidationError("--transport must be tcp, tls, ws or wss")
        }
        if caFile != nil && tlsInsecure {
            throw ValidationError("--ca-file and --tls-insecure exclude each other")
        }
        if IMServerConfiguration.FsyncPolicy(rawValue: fsync) == nil {
            throw ValidationError("--fsync must be batch, interval or none")
        }
        if nodes != nil && host != nil {
            throw ValidationError("--nodes replaces --host and --port: give one or the other")
        }
        if let nodes, nodeEndpoints == nil {
            throw ValidationError("--nodes must be HOST:PORT,HOST:PORT,... (got \"\(nodes)\")")
        }
        if crossNode && (nodeEndpoints?.count ?? 0) < 2 {
            throw ValidationError("--cross-node needs --nodes with at least two nodes")
        }
        if (nodes != nil || lookup != nil) && postgres != nil {
            throw ValidationError("--postgres configures the embedded server: leave out --nodes and --lookup")
        }
        if host != nil && postgres != nil {
            throw ValidationError("--postgres configures the embedded server: leave out --host")
        }
        if !isRemote && (admin != nil || tokens != nil) {
            throw ValidationError(
                "--admin and --tokens need --host, --nodes or --lookup (without them imbench runs its own server)"
            )
        }
        if isRemote && admin == nil && tokens == nil {
            throw ValidationError(
                "--host, --nodes and --lookup need --admin URL (with --admin-token) or --tokens FILE to log in"
            )
        }
    }

    /// Whether a running server (or cluster) is the target.
    var isRemote: Bool { host != nil || nodes != nil || lookup != nil }

    /// `--nodes` parsed; nil if absent or malformed.
    var nodeEndpoints: [IMServerConfiguration.Endpoint]? {
        guard let nodes else { return nil }
        let endpoints = nodes.split(separator: ",").map { IMServerConfiguration.Endpoint(parsing: String($0)) }
        guard !endpoints.isEmpty, !endpoints.contains(where: { $0 == nil || $0!.port == 0 }) else { return nil }
        return endpoints.compactMap { $0 }
    }
}

/// The load model and the run's bounds.
struct LoadOptions: ParsableArguments {
    @Option(help: "Simulated client connections (peer: clients/2 pairs; multidevice: clients/(devices+2) pairs).")
    var clients = 20

    @Option(help: "Closed loop: messages in flight per sender (default 1 unless --rate).")
    var window: Int?

    @Option(help: "Open loop: messages per second in all; latency from each message's intended send time.")
    var rate: Double?

    @Option(help: "How long senders send, warm-up included (e.g. 10s, 500ms).", transform: parseDuration)
    var duration: Duration = .seconds(10)

    @Option(help: "Messages in all; the run ends after these or --duration, whichever first.")
    var messages: Int?

    @Option(help: "Excluded from figures (default 1s; 0 with --messages).", transform: parseDuration)
    var warmup: Duration?

    @Option(help: "New connections per second (0: as fast as possible).")
    var connectRate: Double = 2000

    @Option(help: "Content bytes per message (>= 24).")
    var size = 32

    @Option(help: "multidevice: devices per receiving user.")
    var devices = 3

    @Option(help: "connections: PING interval per connection.", transform: parseDuration)
    var pingInterval: Duration = .seconds(5)

    @Option(help: "Generator event-loop threads (default: half the cores).")
    var threads: Int?

    @Option(
        help: ArgumentHelp(
            "Local source addresses, e.g. 127.0.0.2-127.0.0.9, to pass ~28k ports per address.",
            valueName: "range"
        )
    )
    var source: String?

    @Option(help: "How long to wait for outstanding ACKs and pushes after sending.", transform: parseDuration)
    var drainTimeout: Duration = .seconds(10)

    @Option(
        help: ArgumentHelp(
            "Inject a stall on the path to the server: AFTER:LENGTH, e.g. 2s:300ms.",
            visibility: .hidden
        )
    )
    var injectStall: String?

    func validate() throws {
        if window != nil && rate != nil {
            throw ValidationError("--window (closed loop) and --rate (open loop) exclude each other")
        }
        if let source, BenchParsing.sources(source) == nil {
            throw ValidationError("--source must be an IPv4 address, a range A-B or a comma-separated list")
        }
        if let injectStall, stall(injectStall) == nil { throw ValidationError("--inject-stall must be AFTER:LENGTH") }
    }

    func stall(_ text: String) -> (Duration, Duration)? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let after = BenchParsing.duration(String(parts[0])),
            let length = BenchParsing.duration(String(parts[1]))
        else { return nil }
        return (after, length)
    }
}

/// The group and room scenarios' shape.
struct FanoutOptions: ParsableArguments {
    @Option(help: "Connections that send (the first ones).")
    var senders = 1

    @Option(help: "group: members of the group (default --clients; members past --clients stay offline).")
    var groupSize: Int?

    @Flag(name: .customLong("super"), help: "group: a super group (read diffusion) instead of a normal one.")
    var superGroup = false

    @Option(help: "group: send to this existing group instead of creating one (its members must be the users).")
    var groupID: Int64?

    @Option(help: "room: the room id.")
    var room: Int64 = 1
}

/// CI pass/fail limits.
struct ThresholdOptions: ParsableArguments {
    @Option(help: "Fail (exit 1) if the main latency's p99 is above this (e.g. 20ms).", transform: parseDuration)
    var maxP99: Duration?

    @Option(help: "Fail (exit 1) if fewer messages (connections) per second were delivered (made).")
    var minRate: Double?

    @Option(help: "Lost messages tolerated before exit 4.")
    var maxLost = 0
}

/// Progress and report files.
struct OutputOptions: ParsableArguments {
    @Option(help: "Write the report as JSON (schema imbench/1) to this file.", completion: .file())
    var json: String?

    @Option(
        help: "Progress: lines (stderr), ndjson (stdout), quiet. Default: lines on a terminal, else quiet.",
        completion: .list(ProgressMode.allCases.map(\.rawValue))
    )
    var progress: String?

    func validate() throws {
        if let progress, ProgressMode(rawValue: progress) == nil {
            throw ValidationError("--progress must be lines, ndjson or quiet")
        }
    }
}

private func parseDuration(_ text: String) throws -> Duration {
    guard let duration = BenchParsing.duration(text) else {
        throw ValidationError("'\(text)' is not a duration (e.g. 10s, 500ms, 250us)")
    }
    return duration
}

/// Builds the configuration, runs, prints the report and exits with its code.
func runBench(
    _ scenario: BenchScenarioKind,
    server: ServerOptions,
    load: LoadOptions,
    thresholds: ThresholdOptions,
    output: OutputOptions,
    fanout: FanoutOptions? = nil
) async throws {
    var configuration = BenchConfiguration()
    configuration.scenario = scenario
    if let fanout {
        configuration.senders = fanout.senders
        configuration.groupSize = fanout.groupSize
        configuration.superGroup = fanout.superGroup
        configuration.groupID = fanout.groupID
        configuration.roomID = fanout.room
    }
    if server.isRemote {
        let nodes = server.nodeEndpoints ?? []
        configuration.nodes = nodes
        configuration.crossNode = server.crossNode
        configuration.lookupURL = server.lookup
        // With only --lookup the target is found by a lookup when the run starts.
        let target = nodes.first ?? IMServerConfiguration.Endpoint(host: server.host ?? "", port: server.port)
        configuration.target = .remote(host: target.host, port: target.port)
        if let tokens = server.tokens {
            configuration.tokens = .file(path: tokens)
        } else if let admin = server.admin {
            configuration.tokens = .admin(url: admin, token: server.adminToken)
        }
        configuration.adminURL = server.admin
        configuration.adminToken = server.adminToken
    } else {
        configuration.target = .embedded(
            fsync: IMServerConfiguration.FsyncPolicy(rawValue: server.fsync)!,
            threads: server.serverThreads ?? ProcessInfo.processInfo.activeProcessorCount,
            postgres: server.postgres
        )
    }
    configuration.transport = IMTransport(rawValue: server.transport)!
    if server.tlsInsecure {
        configuration.tlsTrust = .unverified
    } else if let caFile = server.caFile {
        configuration.tlsTrust = .caFile(caFile)
    }
    configuration.serverName = server.serverName
    configuration.appID = server.appID
    configuration.uidBase = server.uidBase
    configuration.clients = load.clients
    configuration.devices = load.devices
    if let rate = load.rate {
        configuration.load = .open(rate: rate)
    } else {
        configuration.load = .closed(window: load.window ?? 1)
    }
    configuration.duration = load.duration
    configuration.messages = load.messages
    configuration.warmup = load.warmup ?? (load.messages == nil ? .seconds(1) : .zero)
    if configuration.warmup >= configuration.duration { configuration.warmup = .zero }
    configuration.connectRate = load.connectRate
    configuration.contentSize = load.size
    configuration.pingInterval = load.pingInterval
    if let threads = load.threads { configuration.threads = threads }
    configuration.sources = load.source.flatMap(BenchParsing.sources) ?? []
    configuration.drainTimeout = load.drainTimeout
    configuration.injectedStall = load.injectStall.flatMap(load.stall)
    configuration.thresholds = BenchThresholds(
        maxP99Microseconds: thresholds.maxP99.map {
            UInt64($0.components.seconds) * 1_000_000 + UInt64($0.components.attoseconds / 1_000_000_000_000)
        },
        minRate: thresholds.minRate,
        maxLost: thresholds.maxLost
    )
    configuration.jsonPath = output.json
    configuration.progress = output.progress.flatMap(ProgressMode.init(rawValue:)) ?? (isatty(2) != 0 ? .lines : .quiet)

    let report = await IMBench.run(configuration)
    let code = report.outcome.exitCode
    if (code == BenchExitCode.usage || code == BenchExitCode.connectOrProvision) && report.totals.sent == 0
        && report.totals.connections == 0
    {
        // The run was not carried out: say why, without an empty report.
        for failure in report.outcome.failures {
            FileHandle.standardError.write(Data("imbench: \(failure)\n".utf8))
        }
        throw ExitCode(code)
    }
    print(report.text)
    if let path = output.json { FileHandle.standardError.write(Data("imbench: JSON report in \(path)\n".utf8)) }
    throw ExitCode(report.outcome.exitCode)
}
