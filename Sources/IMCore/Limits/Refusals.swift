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

/// The refusals so far, per cause, for `/summary` and `/metrics`, and their log lines (`LogThrottle`: at
/// most one a second per cause).
package final class Refusals: Sendable {
    private let tally = TracedMutex<[RefusalCause: Int]>([:])
    private let throttle = LogThrottle<RefusalCause>()
    private let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    /// Counts one refusal and logs `detail` (who, why) unless this cause was logged under a second ago.
    package func refuse(_ cause: RefusalCause, _ detail: @autoclosure () -> String) {
        tally.withLock { $0[cause, default: 0] += 1 }
        throttle.log(cause) { heldBack in
            logger.notice("refused (\(cause.rawValue)): \(detail())\(LogThrottle<RefusalCause>.more(heldBack))")
        }
    }

    /// Refusals so far, every cause present (0 when none).
    package var counts: [RefusalCause: Int] {
        let counts = tally.withLock { $0 }
        return Dictionary(uniqueKeysWithValues: RefusalCause.allCases.map { ($0, counts[$0] ?? 0) })
    }
}
