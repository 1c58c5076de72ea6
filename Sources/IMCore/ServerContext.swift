import Foundation
import Logging
import NIOCore

/// What sessions, listeners and admin routes share while the server runs: the configuration, the
/// message service (and through it the ports), this server's sessions and rooms, the counters.
///
/// Made by `IMServer.run()` once the store and directory are open; lives until shutdown. It holds parts,
/// not logic: messages go through `messages`.
package final class ServerContext: Sendable {
    package let configuration: IMServerConfiguration
    package let logger: Logger
    /// Checking, storing, delivering and reading messages.
    package let messages: MessageService
    /// This server's sessions and rooms (the embedded bus; `/summary` counts them).
    package let local: LocalBus
    package let counters: ServerCounters
    package let authenticator: Authenticator
    /// Each event loop's idle-connection sweeper.
    let idleSweepers: IdleSweepers
    /// Wall-clock start, for `/summary`'s uptime.
    package let startedAt: Date
    package let version: String
    /// The server's log level (`GET`/`PUT /log-level`); `logger` follows it.
    let logLevel: LogLevelSwitch
    /// The cluster's database, with `postgres_url` (`/summary`'s `postgres`).
    let database: PostgresDatabase?
    /// The cluster's nodes (`/nodes`), this server's among them once its listeners are bound.
    let nodes: any NodeRegistry
    /// Which node `/lookup` hands a client.
    let lookups = LookupBalancer()
    /// Refusals by the client limits, counted and logged.
    package let refusals: Refusals
    /// `max_connections` and `max_connections_per_ip`, asked as each connection is accepted.
    let admission: ConnectionAdmission
    /// `max_login_failures_per_ip`.
    let loginFailures: LoginFailureWindow
    /// LogStore replication, with `replication_listen` or `replica_of`.
    let replication: Replication?

    /// A context without a database (tests and tools that embed the parts).
    package convenience init(
        configuration: IMServerConfiguration,
        messages: MessageService,
        local: LocalBus,
        counters: ServerCounters,
        logLevel: LogLevelSwitch? = nil,
        startedAt: Date = Date()
    ) {
        self.init(
            configuration: configuration,
            messages: messages,
            local: local,
            counters: counters,
            logLevel: logLevel,
            database: nil,
            nodes: SingleNode(configuration: configuration, counters: counters),
            startedAt: startedAt
        )
    }

    init(
        configuration: IMServerConfiguration,
        messages: MessageService,
        local: LocalBus,
        counters: ServerCounters,
        logLevel: LogLevelSwitch?,
        database: PostgresDatabase?,
        nodes: any NodeRegistry,
        replication: Replication? = nil,
        startedAt: Date = Date()
    ) {
        self.configuration = configuration
        self.logger = configuration.logger
        self.messages = messages
        self.local = local
        self.counters = counters
        self.authenticator = Authenticator(directory: messages.directory, jwtSecret: configuration.jwtSecret)
        let limits = configuration.limits
        self.idleSweepers = IdleSweepers(timeout: configuration.session.idleTimeout, loginTimeout: limits.loginTimeout)
        self.refusals = Refusals(logger: configuration.logger)
        self.admission = ConnectionAdmission(
            maxConnections: limits.maxConnections,
            maxPerAddress: limits.maxConnectionsPerIP
        )
        self.loginFailures = LoginFailureWindow(limit: limits.maxLoginFailuresPerIP)
        self.version = configuration.version
        self.startedAt = startedAt
        self.logLevel = logLevel ?? LogLevelSwitch(configuration.logger.logLevel)
        self.database = database
        self.nodes = nodes
        self.replication = replication
    }

    /// The ports, through the message service that holds them.
    package var store: any MessageStore { messages.store }
    package var directory: any Directory { messages.directory }
    package var bus: any RouteBus { messages.bus }

    /// The store's figures, with replication's (role, replicas, lag) when it replicates.
    package var storeStatistics: MessageStoreStatistics {
        var statistics = store.statistics
        replication?.annotate(&statistics)
        return statistics
    }

    /// Why this server takes no writes (a replica, or a former primary whose replica was promoted), or nil.
    var readOnlyReason: String? { replication?.store.readOnlyReason }

    /// Unix seconds now.
    package func now() -> Int64 { messages.now() }
}
