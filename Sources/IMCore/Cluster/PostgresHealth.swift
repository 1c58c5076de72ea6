import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Whether the cluster's database answers, from the outcome of every statement the server runs: `/summary`'s
/// `postgres` object, `/metrics`' `im_postgres_*`, and one log line per change of state (never one per
/// failed request: a database that is down fails thousands of them a second).
///
/// The database is **down** after a statement failed for a reason of the connection (no answer within
/// `postgres_timeout`, a connection that could not be made or was lost, the server shutting down or out
/// of resources: SQLSTATE classes 08, 53, 57, 58) and **up** again after the next statement that
/// succeeds. Other server errors (a constraint, a serialization failure) are counted but say nothing of
/// the connection.
final class PostgresHealth: Sendable {
    /// The figures at one moment.
    struct Snapshot: Sendable, Equatable {
        var up: Bool
        var statements: Int
        var errors: Int
        var inFlight: Int
        /// Changes of state since start (up → down, down → up).
        var stateChanges: Int
        var lastError: String?
        /// When the last error happened and when the state last changed (Unix seconds).
        var lastErrorAt: Double?
        var since: Double
    }

    private struct State {
        var up = true
        var statements = 0
        var errors = 0
        var stateChanges = 0
        var lastError: String?
        var lastErrorAt: Double?
        var since = Date().timeIntervalSince1970
    }

    private let state = TracedMutex(State())
    private let inFlight = Atomic<Int>(0)
    private let logger: Logger
    private let place: String

    init(place: String, logger: Logger) {
        self.place = place
        self.logger = logger
    }

    var snapshot: Snapshot {
        let inFlight = inFlight.load(ordering: .relaxed)
        return state.withLock { s in
            Snapshot(
                up: s.up,
                statements: s.statements,
                errors: s.errors,
                inFlight: inFlight,
                stateChanges: s.stateChanges,
                lastError: s.lastError,
                lastErrorAt: s.lastErrorAt,
                since: s.since
            )
        }
    }

    /// A statement starts running.
    func started() {
        inFlight.add(1, ordering: .relaxed)
    }

    /// A statement stops running (possibly long after its caller was told it timed out).
    func stopped() {
        inFlight.subtract(1, ordering: .relaxed)
    }

    /// The outcome a statement (`what`) gave its caller: `error`, or success when nil. An error the
    /// caller's own code threw (a refusal such as an unknown group) is not the database's and is ignored.
    func record(_ what: String, error: (any Error)?) {
        if let error, !Self.isDatabaseError(error) { return }
        let now = Date().timeIntervalSince1970
        let broken = error.map(Self.isConnectionFailure) ?? false
        let described = error.map { "\(what): \(PostgresDatabase.describe($0))" }
        let change = state.withLock { s -> Bool? in
            s.statements += 1
            if let described {
                s.errors += 1
                s.lastError = described
                s.lastErrorAt = now
            }
            // A server error that is not the connection's says nothing of the state.
            let up = error == nil ? true : (broken ? false : s.up)
            guard up != s.up else { return nil }
            s.up = up
            s.stateChanges += 1
            s.since = now
            return up
        }
        switch change {
        case true?: logger.notice("PostgreSQL at \(place) answers again")
        case false?: logger.error("PostgreSQL at \(place) is unavailable: \(described ?? "?")")
        case nil: break
        }
    }

    /// Whether `error` came from the database or the way to it.
    static func isDatabaseError(_ error: any Error) -> Bool {
        let cause = PostgresDatabase.cause(of: error)
        if let timeout = cause as? PostgresTimeout { return !timeout.isShort }
        return cause is PSQLError || cause is PostgresTimeout || cause is PostgresTransactionError
    }

    /// Whether `error` says the connection (not the statement) failed.
    static func isConnectionFailure(_ error: any Error) -> Bool {
        let error = PostgresDatabase.cause(of: error)
        if error is PostgresTimeout { return true }
        guard let error = error as? PSQLError else {
            if let error = error as? PostgresTransactionError {
                return [error.beginError, error.commitError, error.rollbackError].contains {
                    $0.map(isConnectionFailure) ?? false
                }
            }
            return false
        }
        guard let state = PostgresDatabase.sqlState(error) else { return true }
        return ["08", "53", "57", "58"].contains(String(state.prefix(2)))
    }
}
