/// When an open-loop sender should send each of its messages.
///
/// Message `n` is due at `start + phase + n * interval`, whatever happened before: a sender that fell
/// behind (a stall, a slow generator) catches up by sending what is due at once, and its latency is
/// measured from each message's intended time, so a stall shows in the percentiles instead of being
/// hidden (coordinated omission, as wrk2 avoids it). Pure: time is passed in, in nanoseconds.
package struct OpenLoopPacer: Sendable, Equatable {
    /// The first message's intended time.
    package let start: UInt64
    /// Nanoseconds between two messages of this sender.
    package let interval: UInt64
    /// Messages are not scheduled at or after this time.
    package let end: UInt64
    /// The most messages this sender sends (nil: until `end`).
    package let limit: Int?
    /// Messages handed out so far.
    package private(set) var issued = 0

    /// - Parameters:
    ///   - ratePerSecond: this sender's rate (must be positive).
    ///   - start: the run's start time; `phase` (default 0) offsets this sender so that senders spread evenly.
    ///   - end: no message is intended at or after it.
    ///   - limit: the most messages (default no limit).
    package init(ratePerSecond: Double, start: UInt64, phase: UInt64 = 0, end: UInt64, limit: Int? = nil) {
        precondition(ratePerSecond > 0, "the rate must be positive")
        self.interval = Swift.max(1, UInt64((1e9 / ratePerSecond).rounded()))
        self.start = start &+ phase
        self.end = end
        self.limit = limit
    }

    /// The intended send time of message `index`.
    package func intendedTime(of index: Int) -> UInt64 {
        start &+ UInt64(index) &* interval
    }

    /// Whether every message has been handed out.
    package var isFinished: Bool {
        if let limit, issued >= limit { return true }
        return intendedTime(of: issued) >= end
    }

    /// Hands out the messages due at `now` (at most `maxBatch`), as their intended times, oldest first.
    package mutating func due(now: UInt64, maxBatch: Int = .max) -> [UInt64] {
        var times: [UInt64] = []
        while times.count < maxBatch, !isFinished {
            let time = intendedTime(of: issued)
            guard time <= now else { break }
            times.append(time)
            issued += 1
        }
        return times
    }

    /// How many due messages have not been handed out at `now` (the backlog of a sender that fell behind).
    package func backlog(now: UInt64) -> Int {
        guard now >= start else { return 0 }
        var due = Int((now - start) / interval) + 1
        if let limit { due = Swift.min(due, limit) }
        if end > start { due = Swift.min(due, Int((end - start - 1) / interval) + 1) } else { due = 0 }
        return Swift.max(0, due - issued)
    }
}
