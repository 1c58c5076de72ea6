import Synchronization

/// Failed logins per remote address in the current minute, for `max_login_failures_per_ip`: an address
/// with that many failures this minute has its logins refused until the minute is over.
///
/// Fixed one-minute windows (an address may fail up to twice the limit across a window's edge): a
/// counter per address, all of them dropped when the minute turns, so the table never holds more
/// than one minute's failing addresses.
final class LoginFailureWindow: Sendable {
    let limit: Int
    private struct State {
        var minute: Int64 = 0
        var failures: [String: Int] = [:]
    }

    private let state = TracedMutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Whether logins from `address` are refused at `now` (Unix seconds).
    func isBlocked(_ address: String, now: Int64) -> Bool {
        guard limit > 0 else { return false }
        return state.withLock { state in
            roll(&state, to: now)
            return state.failures[address, default: 0] >= limit
        }
    }

    /// A login from `address` failed at `now`.
    func recordFailure(_ address: String, now: Int64) {
        guard limit > 0 else { return }
        state.withLock { state in
            roll(&state, to: now)
            state.failures[address, default: 0] += 1
        }
    }

    private func roll(_ state: inout State, to now: Int64) {
        let minute = now / 60
        if minute != state.minute {
            state.minute = minute
            state.failures.removeAll()
        }
    }
}
