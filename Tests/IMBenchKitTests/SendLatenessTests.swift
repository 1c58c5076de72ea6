import Testing

@testable import IMBenchKit

@Suite("Open-loop lateness and ticks")
struct SendLatenessTests {
    @Test(
        "a send is late only past one tick plus the slack",
        arguments: [
            (intended: UInt64(10_000_000), sentAt: UInt64(10_000_000), lag: UInt64(0), late: false),
            // Early (a ticker that fired before the message's time never sends it; lag clamps to 0).
            (intended: 10_000_000, sentAt: 9_000_000, lag: 0, late: false),
            // Due just after a tick, sent at the next one: expected, not late.
            (intended: 10_000_001, sentAt: 11_000_000, lag: 999_999, late: false),
            (intended: 10_000_000, sentAt: 12_000_000, lag: 2_000_000, late: false),
            (intended: 10_000_000, sentAt: 12_000_001, lag: 2_000_001, late: true),
            (intended: 10_000_000, sentAt: 410_000_000, lag: 400_000_000, late: true),
        ]
    )
    func lateness(intended: UInt64, sentAt: UInt64, lag: UInt64, late: Bool) {
        let lateness = SendLateness()
        #expect(lateness.bound == 2_000_000)
        #expect(SendLateness.lag(intended: intended, sentAt: sentAt) == lag)
        #expect(lateness.isLate(intended: intended, sentAt: sentAt) == late)
    }

    @Test("the bound follows the tick")
    func boundFollowsTick() {
        let coarse = SendLateness(tick: 10_000_000, slack: 1_000_000)
        #expect(coarse.bound == 11_000_000)
        #expect(!coarse.isLate(intended: 0, sentAt: 10_500_000))
        #expect(coarse.isLate(intended: 0, sentAt: 11_000_001))
    }

    @Test(
        "ticks fall on a fixed grid from the start",
        arguments: [
            (now: UInt64(0), next: UInt64(5_000_000)),
            (now: 4_999_999, next: 5_000_000),
            (now: 5_000_000, next: 6_000_000),
            (now: 5_000_001, next: 6_000_000),
            (now: 5_999_999, next: 6_000_000),
            // A tick that ran long does not push the grid: the next deadline is still on it.
            (now: 6_300_000, next: 7_000_000),
            // After a stall the ticker resumes at the next grid point, without a burst of missed ticks.
            (now: 400_500_000, next: 401_000_000),
        ]
    )
    func grid(now: UInt64, next: UInt64) {
        let schedule = TickSchedule(start: 5_000_000, tick: 1_000_000)
        #expect(schedule.next(after: now) == next)
    }
}
