import Testing

@testable import IMCore

@Suite("Idle tracking")
struct IdleTrackerTests {
    final class Member {
        let name: String
        var slot = -1

        init(_ name: String) {
            self.name = name
        }
    }

    static func names(_ members: [Member]) -> [String] {
        members.map(\.name).sorted()
    }

    @Test(
        "the limit never reports a member before the timeout and at most one tick after it",
        arguments: [
            (timeout: Duration.seconds(360), interval: Duration.seconds(1), limit: UInt32(361)),
            (timeout: .milliseconds(400), interval: .milliseconds(50), limit: 9),
            (timeout: .milliseconds(10), interval: .milliseconds(3), limit: 5),
        ]
    )
    func limit(timeout: Duration, interval: Duration, limit: UInt32) {
        let tracker = IdleTracker<Member>(timeout: timeout, interval: interval)
        #expect(tracker.limit == limit)
        // Reported after `limit` ticks: at least (limit - 1) whole ticks of silence, and at most limit.
        #expect(interval * Int(limit - 1) >= timeout)
        #expect(interval * Int(limit - 1) < timeout + interval)
    }

    @Test("a quiet member is reported after the limit; a touched one is not")
    func quietAndTouched() {
        var tracker = IdleTracker<Member>(timeout: .milliseconds(300), interval: .milliseconds(100))
        let quiet = Member("quiet")
        let busy = Member("busy")
        quiet.slot = tracker.add(quiet)
        busy.slot = tracker.add(busy)
        for _ in 1..<tracker.limit {
            #expect(tracker.advance().isEmpty)
            tracker.touch(busy.slot)
        }
        #expect(Self.names(tracker.advance()) == ["quiet"])
        // Still tracked (and reported again) until its owner removes it.
        #expect(Self.names(tracker.advance()) == ["quiet"])
        _ = tracker.remove(quiet.slot)
        #expect(tracker.advance().isEmpty)
        #expect(tracker.count == 1)
    }

    @Test("removing moves the last member into the freed slot and says so")
    func removeMovesLast() {
        var tracker = IdleTracker<Member>(timeout: .seconds(1), interval: .milliseconds(100))
        let members = (0..<4).map { Member("m\($0)") }
        for member in members { member.slot = tracker.add(member) }
        let moved = tracker.remove(members[1].slot)
        #expect(moved === members[3])
        moved?.slot = members[1].slot
        #expect(tracker.members.map(\.name) == ["m0", "m3", "m2"])
        #expect(tracker.remove(members[2].slot) == nil)
        #expect(tracker.members.map(\.name) == ["m0", "m3"])
        // Slots stay right after the moves: touching m3 keeps it, m0 goes quiet.
        for _ in 1..<tracker.limit {
            _ = tracker.advance()
            tracker.touch(members[3].slot)
        }
        #expect(Self.names(tracker.advance()) == ["m0"])
    }

    @Test("the tick clock wraps without reporting anyone early or forgetting anyone")
    func wraps() {
        var tracker = IdleTracker<Member>(timeout: .milliseconds(200), interval: .milliseconds(100), tick: .max - 2)
        let member = Member("m")
        member.slot = tracker.add(member)
        for _ in 0..<6 {
            tracker.touch(member.slot)
            #expect(tracker.advance().isEmpty)
        }
        #expect(tracker.tick == 3)
        tracker.touch(member.slot)
        for _ in 1..<tracker.limit { #expect(tracker.advance().isEmpty) }
        #expect(Self.names(tracker.advance()) == ["m"])
    }
}
