import Testing

@testable import IMCore

/// The payload nodes send each other: every field comes back as it was written, and what is not a
/// payload of ours (or a line of one) is refused rather than misread.
@Suite("Bus notification payload")
struct BusNotificationTests {
    @Test func everyFieldOfEveryKindComesBack() throws {
        let items = [
            BusNotification.Item(
                kind: .delivery,
                frame: "AQIDBA==",
                entries: [[1, 7, 42, 100, 99], [1, 7, 43, 5, 4]],
                realtime: true,
                recipients: [[7, 42, 0], [7, 43, 1]],
                exclusion: [7, 1, -3]
            ),
            BusNotification.Item(kind: .delivery, frame: "AQ==", entries: [], recipients: []),
            BusNotification.Item(kind: .room, frame: "AQ==", target: [7, 9000]),
            BusNotification.Item(kind: .kick, target: [7, 42], device: 3, reason: "kicked | by\nthe admin \u{1F600}"),
        ]
        let sent = BusNotification(id: "node|a\nb/17", sent: 1_764_710_000.25, items: items)
        let payload = sent.encoded()
        #expect(!payload.utf8.contains(0), "PostgreSQL refuses NUL in a payload")
        let read = try #require(BusNotification.decode(payload))
        #expect(read.id == "node_a_b/17")
        #expect(read.sent == sent.sent)
        #expect(read.items.count == items.count)
        for (a, b) in zip(read.items, items) {
            #expect(a.kind == b.kind && a.frame == b.frame && a.entries == b.entries && a.realtime == b.realtime)
            #expect(a.recipients == b.recipients && a.exclusion == b.exclusion && a.target == b.target)
            #expect(a.device == b.device && a.reason == b.reason)
        }
        // Absent and empty lists stay apart.
        #expect(read.items[1].entries == [] && read.items[2].entries == nil)
    }

    @Test func whatIsNotOursIsRefused() {
        #expect(BusNotification.decode("") == nil)
        #expect(BusNotification.decode(#"{"id":"a/1","sent":1,"items":[]}"#) == nil, "the old JSON form")
        #expect(BusNotification.decode("v2|a/1|1") == nil)
        #expect(BusNotification.decode("v1|a/1|soon") == nil)
        let good = BusNotification.Item(kind: .kick, target: [7, 42]).line
        let payload = ["v1|a/1|1", "x|||||||", "d|||", "d||=1,two||||||", "d||||||=7,42|x|", good].joined(separator: "\n")
        let read = BusNotification.decode(payload)
        #expect(read?.items.count == 1 && read?.items.first?.target == [7, 42], "bad lines skipped, good kept")
    }

    @Test func aNodesShareKeepsOnlyItsRecipientsEntries() {
        let item = BusNotification.Item(
            kind: .delivery,
            entries: [[1, 7, 10, 5, 4], [1, 7, 11, 8, 7], [1, 7, 12, 3, 2]],
            recipients: [[7, 10, 0], [7, 11, 1], [7, 12, 2], [7, 12, 2]]
        )
        let part = item.narrowed(to: [2, 3, 1])
        #expect(part.entries == [[1, 7, 12, 3, 2], [1, 7, 11, 8, 7]])
        #expect(part.recipients == [[7, 12, 0], [7, 12, 0], [7, 11, 1]])
    }
}
