/// How late an open-loop send left, and when that counts as a late send.
///
/// The ticker hands out the messages due every `tick`, so a message due just after a tick waits for the
/// next one: up to one tick of lag is the pacer working as designed, not the generator falling behind. A
/// send counts as *late* when it left more than `bound = tick + slack` after its intended time (1 ms + 1 ms
/// by default): the generator's loop was busy or descheduled for longer than a tick. Every send's lag also
/// goes into the `send_lag` histogram, so a report shows the distribution, not only the count. Pure: times
/// are passed in, in nanoseconds.
package struct SendLateness: Sendable, Equatable {
    /// The open-loop ticker's period.
    package static let defaultTick: UInt64 = 1_000_000
    /// The lag beyond one tick that is tolerated (timer wake-up and the loop's other work).
    package static let defaultSlack: UInt64 = 1_000_000

    package let tick: UInt64
    package let slack: UInt64

    /// - Parameters:
    ///   - tick: the ticker's period (default 1 ms).
    ///   - slack: the tolerated lag beyond one tick (default 1 ms).
    package init(tick: UInt64 = SendLateness.defaultTick, slack: UInt64 = SendLateness.defaultSlack) {
        self.tick = tick
        self.slack = slack
    }

    /// A send that left more than this after its intended time is late.
    package var bound: UInt64 { tick + slack }

    /// How long after its intended time a message left (0 if on time or early).
    package static func lag(intended: UInt64, sentAt: UInt64) -> UInt64 {
        sentAt > intended ? sentAt - intended : 0
    }

    /// Whether a message intended at `intended` and sent at `sentAt` is late.
    package func isLate(intended: UInt64, sentAt: UInt64) -> Bool {
        Self.lag(intended: intended, sentAt: sentAt) > bound
    }
}
