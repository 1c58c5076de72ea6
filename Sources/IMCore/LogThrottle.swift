import Synchronization

/// At most one log line a second per key: a flood (refused connections, appends failing on a full disk)
/// must not flood the log too. The line that is let through says how many were held back since the last.
package final class LogThrottle<Key: Hashable & Sendable>: Sendable {
    private struct State {
        var lastLogged: [Key: ContinuousClock.Instant] = [:]
        var heldBack: [Key: Int] = [:]
    }

    private let state = TracedMutex(State())

    package init() {}

    /// Calls `log` with the number of lines held back since the last one for `key`, unless one was
    /// logged for it under a second ago (then it only counts).
    package func log(_ key: Key, _ log: (Int) -> Void) {
        let now = ContinuousClock.now
        let heldBack: Int? = state.withLock { state in
            if let last = state.lastLogged[key], now - last < .seconds(1) {
                state.heldBack[key, default: 0] += 1
                return nil
            }
            state.lastLogged[key] = now
            return state.heldBack.removeValue(forKey: key) ?? 0
        }
        if let heldBack { log(heldBack) }
    }

    /// " (and N more since the last line)", or nothing.
    package static func more(_ heldBack: Int) -> String {
        heldBack > 0 ? " (and \(heldBack) more since the last line)" : ""
    }
}
