import Logging
import Synchronization

/// Why a limit (`IMServerConfiguration.Limits`) turned a connection, a login or a message away.
package enum RefusalCause: String, CaseIterable, Sendable {
    /// No login within `login_timeout`: the connection was closed.
    case loginTimeout = "login_timeout"
    /// `max_connections` open already: the new connection was closed at once.
    case maxConnections = "max_connections"
    /// `max_connections_per_ip` open from its address already: the new connection was closed at once.
    case perIP = "per_ip"
    /// Past `max_messages_per_second`: the message was refused with ACK 67 (or the v0/v1 client closed).
    case rateLimited = "rate_limited"
    /// The connection's `max_login_failures`-th failed login: it was closed.
    case loginFailures = "login_failures"
    /// `max_login_failures_per_ip` in the last minute from its address: the login was refused and the
    /// connection closed.
    case loginFailuresPerIP = "login_failures_per_ip"
}

/// The refusals so far, per cause, for `/summary` and `/metrics`, and their log lines: at most one a
/// second per cause (a flood must not flood the log too), the next line saying how many were not logged.
package final class Refusals: Sendable {
    private struct State {
        var counts: [RefusalCause: Int] = [:]
        var lastLogged: [RefusalCause: ContinuousClock.Instant] = [:]
        var unlogged: [RefusalCause: Int] = [:]
    }

    private let state = Mutex(State())
    private let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    /// Counts one refusal and logs `detail` (who, why) unless this cause was logged under a second ago.
    package func refuse(_ cause: RefusalCause, _ detail: @autoclosure () -> String) {
        let now = ContinuousClock.now
        let unlogged: Int? = state.withLock { state in
            state.counts[cause, default: 0] += 1
            if let last = state.lastLogged[cause], now - last < .seconds(1) {
                state.unlogged[cause, default: 0] += 1
                return nil
            }
            state.lastLogged[cause] = now
            return state.unlogged.removeValue(forKey: cause) ?? 0
        }
        guard let unlogged else { return }
        let more = unlogged > 0 ? " (and \(unlogged) more since the last line)" : ""
        logger.notice("refused (\(cause.rawValue)): \(detail())\(more)")
    }

    /// Refusals so far, every cause present (0 when none).
    package var counts: [RefusalCause: Int] {
        let counts = state.withLock { $0.counts }
        return Dictionary(uniqueKeysWithValues: RefusalCause.allCases.map { ($0, counts[$0] ?? 0) })
    }
}
