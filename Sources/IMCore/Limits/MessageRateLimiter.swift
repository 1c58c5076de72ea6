import NIOCore

/// One connection's `max_messages_per_second`: a token bucket holding up to `burst` messages, refilled at
/// `rate` a second. Lives in its session (on its event loop); reads the clock only when a limit is set.
struct MessageRateLimiter {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var refilledAt: NIODeadline

    /// A bucket that starts full; nil when `rate` is 0 (no limit).
    init?(rate: Int, burst: Int, now: NIODeadline = .now()) {
        guard rate > 0 else { return nil }
        self.rate = Double(rate)
        self.burst = Double(max(burst, 1))
        self.tokens = self.burst
        self.refilledAt = now
    }

    /// Takes a token for one message at `now`; false when the bucket is empty (the message is refused).
    mutating func admit(now: NIODeadline = .now()) -> Bool {
        let elapsed = Double((now - refilledAt).nanoseconds) / 1e9
        if elapsed > 0 {
            tokens = min(burst, tokens + elapsed * rate)
            refilledAt = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
