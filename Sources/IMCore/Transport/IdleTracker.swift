/// Which members of a set went quiet for too long, on a coarse clock of ticks: the pure part of the idle
/// timeout (`IdleSweeper` is its shell on an event loop).
///
/// Members sit in slots; `touch(_:)` stamps a slot with the current tick, `advance()` moves the clock one
/// tick and returns the members whose stamp is `limit` or more ticks old. The stamps live in one
/// contiguous array, so a sweep is a linear scan and a member costs a slot (a reference and 4 bytes),
/// where a timer per member costs a scheduled task, its promise and its closure.
///
/// With ticks at least `interval` apart and `limit = ceil(timeout / interval) + 1`, a member is never
/// reported before it has been quiet for `timeout`, and is reported at most `interval` after that: a
/// stamp only says its tick had begun, so a whole tick is added.
struct IdleTracker<Member: AnyObject> {
    /// Ticks without a `touch` after which a member is idle.
    let limit: UInt32
    /// The clock: ticks so far (wraps; only differences are used).
    private(set) var tick: UInt32 = 0
    private(set) var members: [Member] = []
    private var stamps: [UInt32] = []

    /// A tracker for `timeout` with ticks `interval` apart; the clock starts at `tick` (default 0).
    init(timeout: Duration, interval: Duration, tick: UInt32 = 0) {
        self.tick = tick
        precondition(
            timeout > .zero && interval > .zero,
            "idle timeout \(timeout) and tick \(interval) must be positive"
        )
        let ticks = (timeout / interval).rounded(.up)
        self.limit = UInt32(min(ticks, Double(UInt32.max / 2))) + 1
    }

    var count: Int { members.count }

    /// Adds `member`, active now; returns its slot.
    mutating func add(_ member: Member) -> Int {
        members.append(member)
        stamps.append(tick)
        return members.count - 1
    }

    /// Marks the member in `slot` active now.
    @inline(__always)
    mutating func touch(_ slot: Int) {
        stamps[slot] = tick
    }

    /// Whole ticks since the member in `slot` was last touched.
    func ticksSinceTouch(_ slot: Int) -> UInt32 {
        tick &- stamps[slot]
    }

    /// Removes the member in `slot`. The last member moves into the slot: it is returned so its owner
    /// can learn its new slot (nil when `slot` was the last).
    mutating func remove(_ slot: Int) -> Member? {
        precondition(slot >= 0 && slot < members.count, "idle slot \(slot) is not in 0..<\(members.count)")
        let last = members.count - 1
        defer {
            members.removeLast()
            stamps.removeLast()
        }
        guard slot != last else { return nil }
        members.swapAt(slot, last)
        stamps.swapAt(slot, last)
        return members[slot]
    }

    /// Moves the clock one tick; returns the members quiet for `limit` ticks or more (they stay tracked
    /// until removed).
    mutating func advance() -> [Member] {
        tick &+= 1
        var idle: [Member] = []
        for index in stamps.indices where tick &- stamps[index] >= limit {
            idle.append(members[index])
        }
        return idle
    }
}
