import Testing

@testable import IMBenchKit

@Suite("Open-loop pacing")
struct OpenLoopPacerTests {
    @Test(
        "messages due after a given time, at the rate",
        arguments: [
            (rate: 1000.0, after: UInt64(1_000_000_000), due: 1001),
            (rate: 1000.0, after: UInt64(999_999), due: 1),
            (rate: 10.0, after: UInt64(250_000_000), due: 3),
            (rate: 1e6, after: UInt64(1_000), due: 2),
        ]
    )
    func dueAtRate(rate: Double, after: UInt64, due: Int) {
        var pacer = OpenLoopPacer(ratePerSecond: rate, start: 5_000, end: .max)
        #expect(pacer.due(now: 4_999).isEmpty)
        #expect(pacer.due(now: 5_000 + after).count == due)
        #expect(pacer.issued == due)
    }

    @Test("intended times are fixed by the schedule, not by when they are handed out")
    func intendedTimesAfterStall() {
        var pacer = OpenLoopPacer(ratePerSecond: 100, start: 0, end: .max)
        _ = pacer.due(now: 0)
        // The sender stalls for 200 ms: the backlog is what should have gone out meanwhile.
        #expect(pacer.backlog(now: 200_000_000) == 20)
        let late = pacer.due(now: 200_000_000)
        #expect(late.count == 20)
        #expect(late.first == 10_000_000)
        #expect(late.last == 200_000_000)
        #expect(pacer.backlog(now: 200_000_000) == 0)
    }

    @Test("a batch limit leaves the rest for the next tick")
    func batchLimit() {
        var pacer = OpenLoopPacer(ratePerSecond: 1000, start: 0, end: .max)
        #expect(pacer.due(now: 1_000_000_000, maxBatch: 100).count == 100)
        #expect(pacer.backlog(now: 1_000_000_000) == 901)
    }

    @Test("stops at the end time and at the message limit")
    func bounded() {
        var timed = OpenLoopPacer(ratePerSecond: 1000, start: 0, end: 10_000_000)
        #expect(timed.due(now: .max / 2).count == 10)
        #expect(timed.isFinished)
        var counted = OpenLoopPacer(ratePerSecond: 1000, start: 0, end: .max, limit: 5)
        #expect(counted.due(now: .max / 2).count == 5)
        #expect(counted.isFinished)
        #expect(counted.backlog(now: .max / 2) == 0)
    }

    @Test("phases spread senders over one interval")
    func phase() {
        let pacer = OpenLoopPacer(ratePerSecond: 10, start: 1_000, phase: 50_000_000, end: .max)
        #expect(pacer.intendedTime(of: 0) == 50_001_000)
        #expect(pacer.intendedTime(of: 1) == 150_001_000)
    }
}
