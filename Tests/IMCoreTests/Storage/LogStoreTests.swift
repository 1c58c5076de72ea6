import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import IMCore

@Suite("LogStore")
struct LogStoreTests {
    let alice = QueueID.personal(appID: 7, uid: 1)
    let bob = QueueID.personal(appID: 7, uid: 2)

    @Test func appendReturnsIncreasingIdsAndPreviousIdsPerQueue() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory, fsync: .batch))
        defer { try? store.close() }

        let first = try await store.append(message("hi bob"), to: [bob, alice])
        #expect(first.count == 2)
        #expect(first[0].previousID == 0 && first[1].previousID == 0)
        #expect(first[1].id == first[0].id + 1)
        let second = try await store.append(message("and again"), to: [bob, alice])
        #expect(second[0].id > first[1].id)
        #expect(second[0].previousID == first[0].id)
        #expect(second[1].previousID == first[1].id)

        let page = try await store.sync(bob, after: 0, limit: 10)
        #expect(page.messages.map(\.text) == ["hi bob", "and again"])
        #expect(page.messages.map(\.id) == [first[0].id, second[0].id])
        #expect(page.lastID == second[0].id)
        #expect(page.hasMore == false)
        #expect(page.messages[0].senderDeviceID == 7)
        #expect(page.messages[0].command == 4)
        #expect(page.messages[0].timestamp == 1_700_000_000)
        #expect(try await store.sync(alice, after: first[1].id, limit: 10).messages.map(\.text) == ["and again"])
    }

    @Test func syncPagesWithHasMoreAndNewCount() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        for i in 0..<25 { _ = try await store.append(message("m\(i)"), to: [bob]) }

        var key: UInt64 = 0
        var seen: [String] = []
        var pages = 0
        while true {
            let page = try await store.sync(bob, after: key, limit: 10)
            seen += page.messages.map(\.text)
            pages += 1
            key = page.lastID
            if !page.hasMore { break }
        }
        #expect(seen == (0..<25).map { "m\($0)" })
        #expect(pages == 3)
        #expect(try await store.newCount(bob, after: 0) == 25)
        let all = try await store.sync(bob, after: 0, limit: 100).messages
        #expect(try await store.newCount(bob, after: all[19].id) == 5)
        #expect(try await store.newCount(bob, after: all[24].id) == 0)
        #expect(try store.lastID(bob) == all[24].id)
        #expect(try await store.latest(bob, limit: 3).map(\.text) == ["m22", "m23", "m24"])
        #expect(try await store.history(bob, before: all[10].id, limit: 4).map(\.text) == ["m6", "m7", "m8", "m9"])
        #expect(try await store.history(bob, before: all[2].id, limit: 4).map(\.text) == ["m0", "m1"])
        #expect(try await store.history(bob, before: 0, limit: 4).isEmpty)
    }

    @Test func unknownQueuesAndFutureKeysGiveEmptyResults() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        _ = try await store.append(message("x"), to: [bob])
        let nobody = QueueID.personal(appID: 7, uid: 999)
        #expect(
            try await store.sync(nobody, after: 0, limit: 10) == SyncPage(messages: [], lastID: 0, hasMore: false, newestID: 0)
        )
        #expect(
            try await store.sync(bob, after: 1 << 60, limit: 10)
                == SyncPage(messages: [], lastID: 1 << 60, hasMore: false, newestID: try store.lastID(bob))
        )
        #expect(try await store.newCount(nobody, after: 0) == 0)
        #expect(try await store.newCount(bob, after: 1 << 60) == 0)
        #expect(try await store.latest(nobody, limit: 5).isEmpty)
        #expect(try await store.sync(bob, after: 0, limit: 0).messages.isEmpty)
        #expect(try await store.sync(bob, after: 0, limit: -3).messages.isEmpty)
    }

    @Test func badInputIsRefusedWithTypedErrors() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = storeConfiguration(directory)
        configuration.maxQueuesPerAppend = 10
        let store = try LogStore(configuration: configuration)
        defer { try? store.close() }

        await #expect(throws: StoreError(.emptyBody, "the message body is empty")) {
            try await store.append(message(""), to: [bob])
        }
        let big = NewMessage(
            command: 4,
            body: ByteBuffer(repeating: 1, count: 32768),
            senderDeviceID: 0,
            timestamp: 0
        )
        let tooLarge = await #expect(throws: StoreError.self) { try await store.append(big, to: [bob]) }
        #expect(tooLarge?.code == .bodyTooLarge)
        let none = await #expect(throws: StoreError.self) { try await store.append(message("x"), to: []) }
        #expect(none?.code == .noQueues)
        let many = (0..<11).map { QueueID.personal(appID: 1, uid: Int64($0)) }
        let tooMany = await #expect(throws: StoreError.self) { try await store.append(message("x"), to: many) }
        #expect(tooMany?.code == .tooManyQueues)
        // The largest body the protocol allows is fine.
        let largest = NewMessage(
            command: 4,
            body: ByteBuffer(repeating: 2, count: 32767),
            senderDeviceID: 0,
            timestamp: 0
        )
        _ = try await store.append(largest, to: [bob])
        #expect(try await store.latest(bob, limit: 1).first?.body.readableBytes == 32767)
        #expect(store.stats.messages == 1)
    }

    @Test func fanOutStoresTheBodyOnce() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory))
        let members = (1...2000).map { QueueID.personal(appID: 7, uid: Int64($0)) }
        let body = String(repeating: "g", count: 1000)
        let receipt = try await store.append(message(body, command: 8), to: members)
        #expect(receipt.count == 2000)
        #expect(Set(receipt.map(\.id)).count == 2000)
        for (index, member) in members.enumerated() where index % 97 == 0 {
            let page = try await store.sync(member, after: 0, limit: 10)
            #expect(page.messages.map(\.id) == [receipt[index].id])
            #expect(page.messages.first?.text == body)
        }
        let stats = store.stats
        #expect(stats.messages == 1)
        #expect(stats.entries == 2000)
        // One body plus 17 bytes per member: far less than 2000 copies of the body.
        #expect(stats.bytes < 16 + 8 + 32 + 17 * 2000 + 1000 + 1)
        try store.close()
        #expect(segmentPaths(directory).map(fileSize).reduce(0, +) == Int(stats.bytes))
    }

    @Test func groupQueueReadsFilterByJoinTime() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        let group = QueueID.group(appID: 7, gid: 42)
        for (i, time) in [100, 200, 300, 400].enumerated() {
            _ = try await store.append(message("g\(i)", command: 8, timestamp: Int64(time)), to: [group])
        }
        #expect(try await store.sync(group, after: 0, limit: 10, notBefore: 250).messages.map(\.text) == ["g2", "g3"])
        #expect(try await store.sync(group, after: 0, limit: 10, notBefore: 0).messages.count == 4)
        #expect(try await store.sync(group, after: 0, limit: 10, notBefore: 999).messages.isEmpty)
        let all = try await store.sync(group, after: 0, limit: 10).messages
        #expect(try await store.sync(group, after: all[2].id, limit: 10, notBefore: 150).messages.map(\.text) == ["g3"])
    }

    @Test func reopenKeepsEverythingAndIdsKeepIncreasing() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var last: UInt64 = 0
        do {
            let store = try LogStore(configuration: storeConfiguration(directory, fsync: .batch))
            for i in 0..<50 { last = try await store.append(message("m\(i)"), to: [bob, alice])[1].id }
            try store.close()
        }
        let store = try LogStore(configuration: storeConfiguration(directory, fsync: .batch))
        defer { try? store.close() }
        #expect(store.stats.replayedRecords == 0, "a clean close leaves a snapshot that covers the whole log")
        #expect(try await store.sync(bob, after: 0, limit: 100).messages.map(\.text) == (0..<50).map { "m\($0)" })
        let next = try await store.append(message("after"), to: [bob])
        #expect(next[0].id == last + 1, "a clean restart continues without a gap")
        #expect(next[0].previousID == last - 1)
    }

    @Test func messagesSpanManySegments() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let big = String(repeating: "s", count: 30_000)
        var ids: [UInt64] = []
        do {
            let store = try LogStore(configuration: storeConfiguration(directory))
            for i in 0..<400 { ids.append(try await store.append(message("\(i)" + big), to: [bob])[0].id) }
            #expect(store.stats.segments >= 3)
            try store.close()
        }
        #expect(segmentPaths(directory).count >= 3)
        // Without a snapshot: everything is replayed from the segments.
        try FileManager.default.removeItem(atPath: directory.file("index.snapshot"))
        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        #expect(store.stats.replayedRecords == 400)
        let page = try await store.sync(bob, after: 0, limit: 1000)
        #expect(page.messages.map(\.id) == ids)
        #expect(page.messages.enumerated().allSatisfy { $0.element.text == "\($0.offset)" + big })
    }

    @Test func anEmptyStoreReopensFromItsSnapshot() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try LogStore(configuration: storeConfiguration(directory)).close()
        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        #expect(store.stats.messages == 0)
        #expect(try await store.sync(bob, after: 0, limit: 10).messages.isEmpty)
    }

    @Test func newerFormatIsRefusedWithAClearError() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try "swift-im log store\nformat 99\nid-ceiling 5\n".write(
            toFile: directory.file("store.meta"),
            atomically: true,
            encoding: .utf8
        )
        let error = #expect(throws: StoreError.self) { try LogStore(configuration: storeConfiguration(directory)) }
        #expect(error?.code == .unsupportedFormat)
        #expect(error?.message.contains("format version 99") == true)
    }

    @Test func aSecondOpenOfTheSameDirectoryIsRefused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory))
        let error = #expect(throws: StoreError.self) { try LogStore(configuration: storeConfiguration(directory)) }
        #expect(error?.code == .locked)
        try store.close()
        try LogStore(configuration: storeConfiguration(directory)).close()
    }

    @Test func closedStoreRefusesAppendsAndReads() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory))
        try store.close()
        try store.close()
        let error = await #expect(throws: StoreError.self) { try await store.append(message("x"), to: [bob]) }
        #expect(error?.code == .closed)
        await #expect(throws: StoreError.self) { try await store.sync(bob, after: 0, limit: 1) }
    }

    @Test func thePortsFormsAnswerAsTheSynchronousOnes() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try LogStore(configuration: storeConfiguration(directory, fsync: .batch))
        let store: any MessageStore = log
        let receipt = try await store.append(message("hello"), to: [bob])
        let page = try await store.sync(bob, after: 0, limit: 5)
        #expect(page.messages.map(\.id) == [receipt[0].id])
        #expect(page.newestID == receipt[0].id)
        #expect(try await store.newCount(bob, after: 0) == 1)
        #expect(try await store.latest(bob, limit: 5).count == 1)
        #expect(try log.lastID(bob) == receipt[0].id)
        try log.close()
    }

    @Test func batchPolicyGroupsManyAppendsIntoFewFsyncs() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory, fsync: .batch))
        defer { try? store.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<2000 {
                group.addTask {
                    _ = try await store.append(message("c\(i)"), to: [QueueID.personal(appID: 1, uid: Int64(i % 10))])
                }
            }
            try await group.waitForAll()
        }
        let stats = store.stats
        #expect(stats.appends == 2000)
        #expect(stats.fsyncs >= 1)
        #expect(stats.fsyncs < 2000, "concurrent appends share fsyncs")
        #expect(stats.lastFsyncMicroseconds > 0)
        var total = 0
        for uid in 0..<10 { total += try await store.newCount(QueueID.personal(appID: 1, uid: Int64(uid)), after: 0) }
        #expect(total == 2000)
    }
}
