import Foundation
import IMTestSupport
import NIOCore
import Testing

@testable import IMCore

@Suite("LogStore retention")
struct LogStoreRetentionTests {
    let busy = QueueID.personal(appID: 3, uid: 1)
    let quiet = QueueID.personal(appID: 3, uid: 2)
    let group = QueueID.group(appID: 3, gid: 5)

    /// About 12 MiB in 4 MiB segments: `count` 30 KB messages to `busy` and `group`; every 100th also to
    /// `quiet`. Returns the ids in `busy`.
    func fill(_ store: LogStore, count: Int = 400) async throws -> [UInt64] {
        let padding = String(repeating: "x", count: 30_000)
        var ids: [UInt64] = []
        for i in 0..<count {
            var queues = [busy, group]
            if i % 100 == 99 { queues.append(quiet) }
            let receipts = try await store.append(
                message("m\(i) " + padding, timestamp: 1_700_000_000 + Int64(i)),
                to: queues
            )
            ids.append(receipts[0].id)
        }
        return ids
    }

    func keys(_ store: LogStore, _ queue: QueueID, after key: UInt64 = 0) async throws -> [UInt64] {
        try await store.sync(queue, after: key, limit: 10_000).messages.map(\.id)
    }

    @Test func retentionBytesDeletesTheOldestSegmentsAndSyncStartsAtTheOldestKept() async throws {
        let directory = try TemporaryDirectory()
        var configuration = storeConfiguration(directory)
        configuration.retentionBytes = 9 << 20
        // Only the passes this test asks for: on a slow machine (a sanitizer build) filling the store takes
        // longer than the store's own minute, and its pass would run first.
        configuration.retentionCheckInterval = .seconds(86_400)
        let store = try LogStore(configuration: configuration)
        let ids = try await fill(store)
        let segmentsBefore = segmentPaths(directory)
        #expect(segmentsBefore.count >= 3)
        let quietBefore = try await keys(store, quiet)

        let report = try await store.requestRetention()
        #expect(report.segmentsDeleted >= 1)
        #expect(segmentPaths(directory) == Array(segmentsBefore.dropFirst(report.segmentsDeleted)))
        #expect(report.bytes == store.stats.bytes)
        // The oldest segments went while the log took more than 9 MiB, and no more of them.
        #expect(report.bytes <= 9 << 20)
        #expect(report.bytes + (4 << 20) > 9 << 20)
        #expect(report.messagesRemoved > 0 && report.messagesRemoved == UInt64(ids.firstIndex(of: report.oldestKey)!))

        // Every queue lost the same prefix; what is left is contiguous up to the newest message.
        let kept = try await keys(store, busy)
        #expect(kept.first == report.oldestKey)
        #expect(kept == Array(ids.drop { $0 < report.oldestKey }))
        #expect(try await keys(store, busy, after: ids[0]) == kept)
        #expect(try await store.newCount(busy, after: 0) == kept.count)
        #expect(try await keys(store, quiet) == quietBefore.filter { $0 > report.oldestKey })
        #expect(try await store.sync(group, after: 0, limit: 1).messages.first?.text.hasPrefix("m\(ids.count - kept.count) ") == true)
        #expect(store.stats.messages == UInt64(ids.count) - report.messagesRemoved)
        #expect(store.stats.retentionSegmentsDeleted == UInt64(report.segmentsDeleted))

        // Nothing more to delete; the index survives a reopen, with and without its snapshot.
        #expect(try await store.requestRetention().segmentsDeleted == 0)
        try store.close()
        for dropSnapshot in [false, true] {
            if dropSnapshot { try FileManager.default.removeItem(atPath: directory.file("index.snapshot")) }
            let reopened = try LogStore(configuration: configuration)
            #expect(try await keys(reopened, busy) == kept, "snapshot dropped: \(dropSnapshot)")
            #expect(try await reopened.oldestKey() == report.oldestKey)
            try reopened.close()
        }
    }

    @Test func retentionByAgeDeletesOnlySegmentsOlderThanIt() async throws {
        let directory = try TemporaryDirectory()
        var configuration = storeConfiguration(directory)
        configuration.retention = .seconds(30 * 86_400)
        configuration.retentionCheckInterval = .seconds(86_400)
        let store = try LogStore(configuration: configuration)
        let ids = try await fill(store)
        let segments = segmentPaths(directory)
        #expect(try await store.requestRetention().segmentsDeleted == 0)

        // The first segment's last write was 40 days ago: only it goes.
        let old = Date(timeIntervalSinceNow: -40 * 86_400)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: segments[0])
        let report = try await store.requestRetention()
        #expect(report.segmentsDeleted == 1)
        #expect(segmentPaths(directory) == Array(segments.dropFirst()))
        #expect(try await keys(store, busy).first == report.oldestKey)
        #expect(report.oldestKey > ids[0])
        try store.close()
    }

    @Test func theSegmentBeingWrittenStaysAndAQueueEmptiedKeepsItsLastKey() async throws {
        let directory = try TemporaryDirectory()
        var configuration = storeConfiguration(directory)
        configuration.retentionBytes = 1
        configuration.retentionCheckInterval = .seconds(86_400)
        let store = try LogStore(configuration: configuration)
        _ = try await fill(store)
        let lastQuiet = try store.lastID(quiet)
        // Keep appending to `busy` only, into a fresh segment, so `quiet` has no entry in the last one.
        let padding = String(repeating: "y", count: 30_000)
        while segmentPaths(directory).count < 5 {
            _ = try await store.append(message(padding), to: [busy])
        }
        let report = try await store.requestRetention()
        #expect(segmentPaths(directory).count == 1)
        #expect(report.segmentsDeleted == 4)
        #expect(try await keys(store, quiet).isEmpty)
        #expect(try store.lastID(quiet) == lastQuiet)
        // A new message in the emptied queue names the last removed one as its previous key.
        let receipt = try await store.append(message("after"), to: [quiet])
        #expect(receipt[0].previousID == lastQuiet)
        #expect(try await keys(store, quiet) == [receipt[0].id])
        try store.close()
    }

    @Test func theStoreAppliesRetentionByItself() async throws {
        let directory = try TemporaryDirectory()
        var configuration = storeConfiguration(directory)
        configuration.retentionBytes = 9 << 20
        configuration.retentionCheckInterval = .milliseconds(100)
        let store = try LogStore(configuration: configuration)
        _ = try await fill(store)
        try await eventually("the oldest segments are deleted without being asked") {
            store.stats.bytes <= 9 << 20
        }
        #expect(store.stats.retentionSegmentsDeleted > 0)
        #expect(segmentPaths(directory).count == store.stats.segments)
        try store.close()
    }
}
