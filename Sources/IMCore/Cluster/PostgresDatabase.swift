import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The connection pool to the cluster's database (`postgres_url`), shared by the PostgreSQL adapters.
///
/// Opening it connects, then brings the schema to this binary's version (`PostgresMigrator`). It is the
/// first of the server's services and so the last one shut down: the store drains its appends through it
/// before it closes.
final class PostgresDatabase: Service, Sendable {
    let client: PostgresClient
    /// How long a statement may go without an answer (`postgres_timeout`).
    let timeout: Duration
    let logger: Logger
    let endpoint: PostgresEndpoint
    /// Whether the database answers, from every statement's outcome.
    let health: PostgresHealth
    let poolSize: Int
    private let pool: Task<Void, Never>
    private let migratedVersion = Atomic<Int>(0)

    private init(endpoint: PostgresEndpoint, poolSize: Int, timeout: Duration, logger: Logger) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.logger = logger
        self.poolSize = poolSize
        self.health = PostgresHealth(place: "\(endpoint.host):\(endpoint.port)/\(endpoint.database)", logger: logger)
        // The pool logs every failed connection attempt at info: at notice and above, the server's own
        // lines (a failed batch, a failed read) say what matters once.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .notice)
        let client = PostgresClient(
            configuration: endpoint.clientConfiguration(poolSize: poolSize, timeout: timeout),
            backgroundLogger: poolLogger
        )
        self.client = client
        // Detached: `PostgresClient.run()` ends on the graceful shutdown of the task it runs in, and an
        // attached task would inherit the embedder's (the pool must outlive the server's own drain).
        self.pool = Task.detached { await client.run() }
    }

    /// The schema version found or applied at open.
    var schemaVersion: Int { migratedVersion.load(ordering: .relaxed) }

    /// Connects to `configuration.postgres.url` and migrates the schema. The error names `postgres_url`
    /// with the reason (server unreachable, authentication, a schema newer than this binary's).
    static func open(_ configuration: IMServerConfiguration) async throws -> PostgresDatabase {
        try await using(configuration) { database in
            let version = try await PostgresMigrator(database: database).migrate()
            database.migratedVersion.store(version, ordering: .relaxed)
        }
    }

    /// What `imd --check-config` says of the database: where it is and its schema version, read without
    /// changing anything.
    static func check(_ configuration: IMServerConfiguration) async throws -> String {
        var found: Int?
        let database = try await using(configuration) { database in
            found = try await database.withinTimeout("reading the schema version") {
                try await PostgresMigrator(database: database).recordedVersion()
            }
        }
        await database.close()
        if let found, found > PostgresSchema.version {
            throw IMServerError(
                "cannot use the database at \(database.place) (postgres_url): "
                    + "\(PostgresSchemaTooNew(found: found, supported: PostgresSchema.version))"
            )
        }
        let schema = found.map { "schema version \($0)" } ?? "no schema yet"
        return
            "postgres: \(database.place) answers, \(schema) (this imd applies up to \(PostgresSchema.version) at start)"
    }

    /// A pool to the configured database after `prepare` succeeded on it; closed again if it failed.
    private static func using(
        _ configuration: IMServerConfiguration,
        _ prepare: (PostgresDatabase) async throws -> Void
    ) async throws -> PostgresDatabase {
        guard let url = configuration.postgres.url else { throw IMServerError("postgres_url is not set") }
        let database = PostgresDatabase(
            endpoint: try PostgresEndpoint(url: url),
            poolSize: configuration.postgres.poolSize,
            timeout: configuration.postgres.timeout,
            logger: configuration.logger
        )
        do {
            try await database.probe()
            try await prepare(database)
            return database
        } catch {
            await database.close()
            if let error = error as? IMServerError { throw error }
            throw IMServerError("cannot use the database at \(database.place) (postgres_url): \(Self.describe(error))")
        }
    }

    /// Connects once outside the pool, so that a refusal is reported with the server's reason (wrong
    /// password, no such database) instead of the pool's retries until the timeout.
    private func probe() async throws {
        let configuration = try endpoint.connectionConfiguration(timeout: timeout)
        let logger = logger
        try await withinTimeout("connecting") {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            do {
                try await connection.query("SELECT 1", logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        }
    }

    /// host:port/database, for messages (never the user or password).
    var place: String { "\(endpoint.host):\(endpoint.port)/\(endpoint.database)" }

    /// Keeps the pool until graceful shutdown or cancellation, then closes its connections.
    func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Closes every connection; statements still running fail.
    func close() async {
        pool.cancel()
        await pool.value
    }

    /// `body`'s result, or a `PostgresTimeout` after `timeout` (`postgres_timeout` unless given) without one.
    /// `counted: false` leaves the outcome out of `health` (a statement on a connection of its own, not
    /// the pool's).
    func withinTimeout<Value: Sendable>(
        _ what: String,
        timeout: Duration? = nil,
        counted: Bool = true,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            run(what, timeout: timeout, counted: counted, body) { continuation.resume(with: $0) }
        }
    }

    /// Runs `body` on a task of its own and hands `completion` its outcome, or a `PostgresTimeout` after
    /// `timeout` without one (the form the ports' completion-style reads use). `body` is then cancelled but
    /// not waited for: a statement stuck on a dead connection (or waiting for the pool to reconnect) must
    /// not hold its caller, whose append or read fails now and is never acknowledged.
    func run<Value: Sendable>(
        _ what: String,
        timeout: Duration? = nil,
        counted: Bool = true,
        _ body: @escaping @Sendable () async throws -> Value,
        completion: @escaping @Sendable (Result<Value, any Error>) -> Void
    ) {
        let configured = self.timeout
        let timeout = timeout ?? configured
        let health = counted ? self.health : nil
        let outcome = FirstOutcome<Value> { result in
            if case .failure(let error) = result {
                health?.record(what, error: error)
            } else {
                health?.record(what, error: nil)
            }
            completion(result)
        }
        health?.started()
        let work = Task {
            defer { health?.stopped() }
            do { outcome.resume(.success(try await body())) } catch { outcome.resume(.failure(error)) }
        }
        let timer = Task {
            try await Task.sleep(for: timeout)
            let failure = PostgresTimeout(what: what, timeout: timeout, isShort: timeout < configured)
            if outcome.resume(.failure(failure)) { work.cancel() }
        }
        outcome.onResume { timer.cancel() }
    }

    /// A one-line account of a database error: PostgreSQL's own message and SQLSTATE when the server
    /// answered (postgres-nio's `description` hides both), else the client's reason.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError,
            let cause = error.closureError ?? error.beginError ?? error.commitError
        {
            return describe(cause)
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying {
            return underlying is PSQLError ? describe(underlying) : "\(error.code): \(underlying)"
        }
        return "\(error.code)"
    }

    /// The SQLSTATE of a server error, if it is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// The error a transaction's closure threw, else `error` itself.
    static func cause(of error: any Error) -> any Error {
        (error as? PostgresTransactionError)?.closureError ?? error
    }
}

/// A statement that got no answer within `postgres_timeout`.
struct PostgresTimeout: Error, CustomStringConvertible {
    var what: String
    var timeout: Duration
    /// Whether the caller chose a shorter wait than `postgres_timeout` (for a figure): says nothing of the
    /// database's health.
    var isShort = false

    var description: String {
        "\(what): no answer from PostgreSQL within \(timeout)\(isShort ? "" : " (postgres_timeout)")"
    }
}

/// Hands a completion whichever outcome comes first; later ones are dropped.
private final class FirstOutcome<Value: Sendable>: Sendable {
    private struct State {
        var completion: (@Sendable (Result<Value, any Error>) -> Void)?
        var done = false
        var onResume: (@Sendable () -> Void)?
    }

    private let state: TracedMutex<State>

    init(_ completion: @escaping @Sendable (Result<Value, any Error>) -> Void) {
        state = TracedMutex(State(completion: completion))
    }

    /// Completes with `result` if nothing did before; returns whether it did.
    @discardableResult
    func resume(_ result: Result<Value, any Error>) -> Bool {
        let (completion, action) = state.withLock {
            s -> ((@Sendable (Result<Value, any Error>) -> Void)?, (@Sendable () -> Void)?) in
            defer {
                s.completion = nil
                s.done = true
            }
            return (s.completion, s.done ? nil : s.onResume)
        }
        guard let completion else { return false }
        completion(result)
        action?()
        return true
    }

    /// Runs `action` once resumed (at once if it already was).
    func onResume(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { s -> Bool in
            if s.done { return true }
            s.onResume = action
            return false
        }
        if now { action() }
    }
}
