import Synchronization

/// Paces sampling: each `wait()` returns at the next multiple of the interval after the ticker was made.
/// A round that overruns skips the ticks it missed rather than bunching them. Tests pass their own `wait`.
package struct Ticker: Sendable {
    package var wait: @Sendable () async throws -> Void

    package init(wait: @escaping @Sendable () async throws -> Void) {
        self.wait = wait
    }

    /// Ticks every `interval` seconds, starting now.
    package static func every(_ interval: Double) -> Ticker {
        let state = TickerState()
        let step = Duration.seconds(interval)
        return Ticker {
            let now = ContinuousClock.now
            let deadline = state.next.withLock { next in
                next += step
                while next <= now { next += step }
                return next
            }
            try await Task.sleep(until: deadline, clock: .continuous)
        }
    }
}

private final class TickerState: Sendable {
    let next = Mutex(ContinuousClock.now)
}
