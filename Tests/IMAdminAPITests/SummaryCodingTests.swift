import Foundation
import IMAdminAPI
import Testing

/// `IMSummary` and `IMStoreStatistics` on the wire: GoBelieve's keys, dynamic keys kept, read leniently.
@Suite("IMSummary coding")
struct SummaryCodingTests {
    /// Two JSON texts with the same meaning (key order, `3` vs `3.0`).
    static func sameJSON(_ a: [UInt8], _ b: [UInt8]) throws -> Bool {
        let x = try JSONSerialization.jsonObject(with: Data(a), options: .fragmentsAllowed) as? NSObject
        let y = try JSONSerialization.jsonObject(with: Data(b), options: .fragmentsAllowed) as? NSObject
        return x != nil && x == y
    }

    @Test func gobelievesReplyReadsAndWritesBackTheSame() throws {
        let text = """
            {"goroutine_count":12,"connection_count":3,"client_count":2,"clientset_count":1,"in_message_count":9,
             "out_message_count":10,"app_7":{"clientset_count":1,"client_count":2,"room_count":1,"room_client_count":1200,
             "room_stat":{"42":1200}}}
            """
        let summary = try IMAdmin.Summary.Reply.decode(Array(text.utf8))
        #expect(summary.connectionCount == 3 && summary.goroutineCount == 12 && summary.nodeID == nil)
        #expect(summary.requestedApp?.appID == 7)
        #expect(summary.requestedApp?.roomStat == [42: 1200])
        #expect(summary.apps == nil && summary.store == nil)
        #expect(try Self.sameJSON(IMAdmin.Summary.Reply.encode(summary).bytes, Array(text.utf8)))
    }

    @Test func everyFigureOfOursSurvivesARoundTrip() throws {
        var summary = IMSummary()
        summary.nodeID = "im-1"
        summary.version = "0.1.0"
        summary.uptimeSeconds = 5
        summary.tlsHandshakeFailureCount = 2
        summary.transports = ["tcp": .init(connections: 3, accepted: 9)]
        summary.push = IMSummary.Push(enabled: false)
        summary.process = IMSummary.Process()
        summary.process?.cpuSeconds = 1.25
        summary.process?.rssBytes = 1 << 20
        summary.store = IMStoreStatistics(
            backend: "log",
            details: ["segments": .count(2), "open_milliseconds": .value(1.5), "fsync_policy": .text("batch")]
        )
        summary.store?.lastID = 99
        summary.store?.averageFsyncMicroseconds = 120.5
        summary.apps = [7: .init(clientCount: 2, clientsetCount: 1, roomCount: 0, roomClientCount: 0)]
        var app = IMSummary.RequestedApp(appID: 8)
        app.clientCount = 0
        app.roomStat = [:]
        summary.requestedApp = app
        let bytes = try IMAdmin.Summary.Reply.encode(summary).bytes
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""apps":{"7":{"#) && text.contains(#""app_8":{"client_count":0,"room_stat":{}}"#))
        #expect(text.contains(#""push":{"enabled":false}"#) && text.contains(#""segments":2"#))
        #expect(try IMAdmin.Summary.Reply.decode(bytes) == summary)
    }

    @Test func figuresOfAnotherTypeAreAbsentNotAnError() throws {
        let text = #"{"connection_count":"many","client_count":true,"in_message_count":4.0,"apps":{"x":{},"7":[]},"store":5}"#
        let summary = try IMAdmin.Summary.Reply.decode(Array(text.utf8))
        #expect(summary.connectionCount == nil && summary.clientCount == nil && summary.inMessageCount == 4)
        #expect(summary.apps == [:] && summary.store == nil)
        #expect(throws: (any Error).self) { try IMAdmin.Summary.Reply.decode(Array("[1,2]".utf8)) }
    }

    @Test func aStoresOwnFiguresStayBesideTheCommonOnes() throws {
        let text = #"{"backend":"log","messages":3,"fsyncs":2,"average_fsync_microseconds":100,"segments":1,"fsync_policy":"batch","last_snapshot_milliseconds":2.5}"#
        let stats = try IMAdminJSON.decode(IMStoreStatistics.self, from: Array(text.utf8))
        #expect(stats.messages == 3 && stats.averageFsyncMicroseconds == 100)
        #expect(stats.details == ["segments": .count(1), "fsync_policy": .text("batch"), "last_snapshot_milliseconds": .value(2.5)])
        #expect(stats.count("segments") == 1 && stats.count("fsync_policy") == nil)
        #expect(try Self.sameJSON(IMAdminJSON.encode(stats), Array(text.utf8)))
    }
}
