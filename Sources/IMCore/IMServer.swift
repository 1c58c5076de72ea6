import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The whole server: client listeners (TCP, TLS, WebSocket, WSS), sessions, routing, message store,
/// directory, offline push hook and admin API.
///
/// Embeddable in any Swift process as a `Service`: `run()` opens the store and directory in
/// `configuration.dataDirectory`, binds the listeners and serves until graceful shutdown or cancellation;
/// either way it then stops accepting, closes sessions, drains and snapshots the store, writes the
/// pending push jobs and flushes the directory, so a restart replays nothing.
public final class IMServer: Service, Sendable {
    /// IMCore's version.
    public static let version = "0.1.0"

    public let configuration: IMServerConfiguration
    private let readiness = ReadinessSignal<IMServerAddresses>()
    private let tls: TLSCredentials?
    private let replicationTLS: ReplicationTLS?
    private let levelSwitch: LogLevelSwitch

    /// Checks the configuration and reads the TLS certificate and key (`configuration.tls`); nothing is
    /// opened or bound until `run()`. Throws `IMConfigurationError` naming the field (`cert_file` and
    /// `key_file` for a file that cannot be read or parsed, or a key that does not match).
    public init(configuration: IMServerConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        self.tls = try configuration.tls.map { files throws(IMConfigurationError) in try TLSCredentials(files: files) }
        self.replicationTLS = try ReplicationTLS(configuration: configuration.replication, credentials: tls)
        self.levelSwitch = LogLevelSwitch(configuration.logger.logLevel)
    }

    /// Reads `cert_file` and `key_file` again (after a certificate renewal): TLS and WSS connections
    /// accepted from now on get the new certificate; established ones keep theirs and are not dropped.
    /// May be called at any time, running or not (`imd` calls it on SIGHUP).
    ///
    /// Throws `IMConfigurationError` naming the file if it cannot be read or parsed (the certificate in
    /// use stays), or if no certificate is configured.
    public func reloadTLS() throws(IMConfigurationError) {
        guard let tls else { throw IMConfigurationError(field: "cert_file", "no TLS certificate is configured") }
        try tls.reload()
        configuration.logger.info(
            "reloaded the TLS certificate",
            metadata: ["cert_file": "\(tls.files.certificateFile)", "key_file": "\(tls.files.keyFile)"]
        )
    }

    /// The level the server logs at now: `configuration.logger.logLevel` until changed by `setLogLevel(_:)`
    /// or the admin API's `PUT /log-level`.
    public var logLevel: Logger.Level { levelSwitch.level }

    /// Changes the level of every logger the server uses (store, directory, sessions, admin API), at once
    /// and while it runs. The lines still go to `configuration.logger`'s handler. Returns the previous level.
    @discardableResult
    public func setLogLevel(_ level: Logger.Level) -> Logger.Level {
        levelSwitch.set(level)
    }

    /// Waits until the listeners are bound and returns their addresses (useful with port 0).
    /// Throws if `run()` failed to start.
    public func waitUntilListening() async throws -> IMServerAddresses {
        try await readiness.wait()
    }

    /// Serves until graceful shutdown or cancellation; throws if the data directory cannot be opened or
    /// an address cannot be bound.
    public func run() async throws {
        do {
            try await serve()
        } catch {
            readiness.set(.failure(error))
            throw error
        }
    }

    /// Opens the backend, then runs the server's parts as services in one `ServiceGroup`, started in
    /// this order and shut down in the reverse one: the database pool (with `postgres_url`), the push
    /// sender, the directory, the store, replication (with `replication_listen` or `replica_of`), the route
    /// bus (this server's sessions) and the frontend
    /// (listeners, admin API). So a graceful shutdown stops accepting, closes the sessions, drains the
    /// store (every completion runs), flushes and closes the directory, writes the push jobs that are
    /// left, and last closes the database's connections: a restart replays nothing.
    private func serve() async throws {
        // Every logger of the server derives from this one, whose level follows `levelSwitch`.
        var configuration = self.configuration
        configuration.logger = levelSwitch.wrap(configuration.logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        do {
            let backend = try await ServerBackend.open(configuration)
            let local = LocalBus(eventLoopGroup: group)
            let counters = ServerCounters()
            let cluster = try await backend.joinCluster(configuration, local: local, counters: counters)
            let replication = try Replication(
                store: backend.store,
                directory: backend.directory,
                configuration: configuration,
                tls: replicationTLS,
                group: group
            )
            try await FormerReplicaProbe.confirmStillPrimary(
                backend.store,
                configuration: configuration,
                tls: replicationTLS,
                group: group
            )
            let messages = MessageService(
                configuration: configuration,
                counters: counters,
                store: backend.store,
                directory: backend.directory,
                bus: cluster?.bus ?? local,
                words: backend.words,
                push: backend.push,
                eventLoopGroup: group
            )
            let server = ServerContext(
                configuration: configuration,
                messages: messages,
                local: local,
                counters: messages.counters,
                logLevel: levelSwitch,
                database: backend.database,
                nodes: cluster?.bus.membership ?? SingleNode(configuration: configuration, counters: counters),
                replication: replication
            )
            let frontend = ServerFrontend(server: server, tls: tls, group: group, readiness: readiness)
            try await Self.run(
                ServiceGroup(
                    services: backend.services + (cluster?.services ?? []) + (replication?.services ?? []) + [local, frontend],
                    gracefulShutdownSignals: [],
                    cancellationSignals: [],
                    logger: configuration.logger
                )
            )
            server.idleSweepers.cancelAll()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
        configuration.logger.info("stopped")
    }

    /// Runs `parts` until they end; a graceful shutdown of this task (the embedder's `ServiceGroup`) shuts
    /// them down gracefully, in order.
    private static func run(_ parts: ServiceGroup) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await parts.run()
                return true
            }
            tasks.addTask {
                do { try await gracefulShutdown() } catch { return false }
                await parts.triggerGracefulShutdown()
                return false
            }
            while let finished = try await tasks.next() {
                if finished { break }
            }
            tasks.cancelAll()
        }
    }
}

/// Where a running `IMServer` listens.
public struct IMServerAddresses: Sendable {
    /// The client TCP listener.
    public var client: IMServerConfiguration.Endpoint
    /// The client TLS listener, if enabled.
    public var tls: IMServerConfiguration.Endpoint?
    /// The WebSocket listener, if enabled.
    public var webSocket: IMServerConfiguration.Endpoint?
    /// The WebSocket-over-TLS listener, if enabled.
    public var secureWebSocket: IMServerConfiguration.Endpoint?
    /// The admin HTTP API, if enabled.
    public var admin: IMServerConfiguration.Endpoint?
    /// Where replicas connect (`replication_listen`), if enabled.
    public var replication: IMServerConfiguration.Endpoint?

    /// The listener of `transport`, if enabled.
    public subscript(transport: IMTransport) -> IMServerConfiguration.Endpoint? {
        get {
            switch transport {
            case .tcp: client
            case .tls: tls
            case .ws: webSocket
            case .wss: secureWebSocket
            }
        }
        set {
            switch transport {
            case .tcp: if let newValue { client = newValue }
            case .tls: tls = newValue
            case .ws: webSocket = newValue
            case .wss: secureWebSocket = newValue
            }
        }
    }
}

/// Why a server could not start; the message names the configuration field involved.
public struct IMServerError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
