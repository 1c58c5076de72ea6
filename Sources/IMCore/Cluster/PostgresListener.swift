import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// This server's one `LISTEN` connection to the cluster's database: what other servers say through
/// `NOTIFY` (a directory change, and in a cluster messages for this node's sessions) reaches the
/// subscribers' handlers.
///
/// A connection of its own, outside the pool (a pooled connection is lent per statement; a listener must
/// stay). It reconnects by itself, with a backoff from 100 ms to 2 s, and checks every 5 s that the
/// connection still answers (a dead TCP peer says nothing). Notifications sent while it was away are lost
/// (PostgreSQL keeps none for a listener that is not connected), so each subscriber's `resubscribed`
/// runs once its `LISTEN` is in place again, after every (re)connection: there it repairs what it may have
/// missed (forget cached values, tell sessions to sync).
final class PostgresListener: Service, Sendable {
    /// One channel's handlers.
    struct Subscription: Sendable {
        var channel: String
        /// The `LISTEN` is in place (after the first connection too): anything before may have been missed.
        var resubscribed: @Sendable () -> Void
        var notified: @Sendable (String) -> Void
    }

    private let database: PostgresDatabase
    private let subscriptions = TracedMutex<[Subscription]>([])
    private let received = Atomic<Int>(0)
    private let connections = Atomic<Int>(0)
    private let listening = Atomic<Bool>(false)
    /// Whether the last attempt failed (so a run of failures logs one line, and the recovery one).
    private let failing = Atomic<Bool>(false)

    /// The connection's `application_name`.
    static let applicationName = "imd_listener"

    init(database: PostgresDatabase) {
        self.database = database
    }

    /// Adds a channel (before `run()`; a channel is one identifier: letters, digits, `_`).
    func subscribe(
        _ channel: String,
        resubscribed: @escaping @Sendable () -> Void,
        notified: @escaping @Sendable (String) -> Void
    ) {
        precondition(channel.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "bad channel \(channel)")
        subscriptions.withLock {
            $0.append(Subscription(channel: channel, resubscribed: resubscribed, notified: notified))
        }
    }

    /// Notifications received, connections made, and whether it listens now.
    var figures: (received: Int, connections: Int, listening: Bool) {
        (received.load(ordering: .relaxed), connections.load(ordering: .relaxed), listening.load(ordering: .relaxed))
    }

    /// Listens until graceful shutdown or cancellation, reconnecting whenever the connection is lost.
    func run() async throws {
        let subscriptions = self.subscriptions.withLock { $0 }
        guard !subscriptions.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            var backoff = Duration.milliseconds(100)
            while !Task.isCancelled {
                let before = self.connections.load(ordering: .relaxed)
                do {
                    try await self.listen(subscriptions) {
                        if self.failing.exchange(false, ordering: .relaxed) {
                            self.database.logger.notice("listening to PostgreSQL at \(self.database.place) again")
                        }
                    }
                } catch  where !Task.isCancelled {
                    if !self.failing.exchange(true, ordering: .relaxed) {
                        self.database.logger.warning(
                            "the LISTEN connection to PostgreSQL at \(self.database.place) failed (reconnecting): \(PostgresDatabase.describe(error))"
                        )
                    }
                }
                self.listening.store(false, ordering: .relaxed)
                // A connection that was made starts the backoff again.
                if self.connections.load(ordering: .relaxed) != before { backoff = .milliseconds(100) }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
            }
        }
    }

    /// One connection: `LISTEN` on every channel, then hands notifications over until it fails.
    private func listen(_ subscriptions: [Subscription], connected: @escaping @Sendable () -> Void) async throws {
        var named = try database.endpoint.connectionConfiguration(timeout: database.timeout)
        // Named, so that an operator sees it in pg_stat_activity.
        named.options.additionalStartupParameters.append(("application_name", Self.applicationName))
        let configuration = named
        let logger = database.logger
        // The configuration's connect timeout is `postgres_timeout`.
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        connections.add(1, ordering: .relaxed)
        // Closing the connection ends its notification sequences, on cancellation (shutdown) too; a
        // connection must be closed before it is released.
        do {
            try await withTaskCancellationHandler {
                try await consume(connection, subscriptions, connected: connected)
            } onCancel: {
                let _: EventLoopFuture<Void> = connection.close()
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private func consume(
        _ connection: PostgresConnection,
        _ subscriptions: [Subscription],
        connected: @escaping @Sendable () -> Void
    ) async throws {
        let logger = database.logger
        let ready = ReadyCount()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for subscription in subscriptions {
                tasks.addTask {
                    try await connection.listen(on: subscription.channel) { notifications in
                        if ready.count.add(1, ordering: .relaxed).newValue == subscriptions.count {
                            self.listening.store(true, ordering: .relaxed)
                            connected()
                        }
                        subscription.resubscribed()
                        for try await notification in notifications {
                            self.received.add(1, ordering: .relaxed)
                            subscription.notified(notification.payload)
                        }
                    }
                    throw PostgresListenerEnded()
                }
            }
            // A connection whose peer died says nothing: ask it something every 5 s.
            tasks.addTask {
                while true {
                    try await Task.sleep(for: .seconds(5))
                    _ = try await self.database.withinTimeout("checking the LISTEN connection", counted: false) {
                        try await connection.query("SELECT 1", logger: logger)
                    }
                }
            }
            try await tasks.next()
        }
    }
}

/// How many channels are listened to on the current connection.
private final class ReadyCount: Sendable {
    let count = Atomic<Int>(0)
}

/// The notifications of a `LISTEN` ended: the connection closed.
struct PostgresListenerEnded: Error, CustomStringConvertible {
    var description: String { "the connection closed" }
}
