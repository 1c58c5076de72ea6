/// When the open-loop ticker runs: every `tick` from `start`, at a fixed rate.
///
/// A ticker re-armed with a fixed delay after each run drifts by the run's own length and the timer's
/// wake-up, which the sends then inherit as lag. Deadlines on a fixed grid do not drift; a ticker that
/// overran (a stall) resumes at the next grid point instead of firing a burst of missed ticks, and the
/// pacer hands out everything that became due meanwhile. Pure: times are passed in, in nanoseconds.
package struct TickSchedule: Sendable, Equatable {
    package let start: UInt64
    package let tick: UInt64

    /// - Parameters:
    ///   - start: the first deadline.
    ///   - tick: the period (must be positive).
    package init(start: UInt64, tick: UInt64) {
        precondition(tick > 0, "the tick must be positive")
        self.start = start
        self.tick = tick
    }

    /// The first deadline after `now` (`start` if `now` is before it).
    package func next(after now: UInt64) -> UInt64 {
        guard now >= start else { return start }
        return start + ((now - start) / tick + 1) * tick
    }
}
