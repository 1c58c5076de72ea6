import Foundation
import NIOCore
import Testing

@testable import IMCore

@Suite("LogStore recovery")
struct LogStoreRecoveryTests {
    let queue = QueueID.personal(appID: 3, uid: 9)

    /// Writes `count` messages and closes without a snapshot; returns their ids.
    func writeLog(_ directory: TemporaryDirectory, count: Int) async throws -> [UInt64] {
        let store = try LogStore(configuration: storeConfiguration(directory))
        var ids: [UInt64] = []
        for i in 0..<count {
            ids.append(
                try await store.append(message("message-\(i)-" + String(repeating: "x", count: i % 50)), to: [queue])[0]
                    .id
            )
        }
        try store.close()
        try FileManager.default.removeItem(atPath: directory.file("index.snapshot"))
        return ids
    }

    /// The end offset of each record in the single segment, from the record lengths on disk.
    func recordEnds(_ path: String) throws -> [Int] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var ends: [Int] = []
        var offset = LogSegment.headerSize
        while offset + 8 <= data.count {
            let length = data[offset..<(offset + 4)].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            offset += 8 + Int(length)
            ends.append(offset)
        }
        return ends
    }

    @Test(arguments: 0..<12)
    func tornTailAtARandomOffsetIsTruncatedToTheLastWholeRecord(seed: Int) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let ids = try await writeLog(directory, count: 60)
        let segment = segmentPaths(directory)[0]
        let ends = try recordEnds(segment)
        let size = fileSize(segment)
        var generator = SeededGenerator(seed: UInt64(seed))
        let cut = Int.random(in: LogSegment.headerSize..<size, using: &generator)
        truncate(segment, off_t(cut))
        let whole = ends.filter { $0 <= cut }.count

        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        let page = try await store.sync(queue, after: 0, limit: 1000)
        #expect(page.messages.map(\.id) == Array(ids.prefix(whole)))
        #expect(page.messages.enumerated().allSatisfy { $0.element.text.hasPrefix("message-\($0.offset)-") })
        let kept = whole == 0 ? LogSegment.headerSize : ends[whole - 1]
        #expect(store.stats.recoveredBytes == UInt64(cut - kept))
        #expect(fileSize(segment) == kept)
        // New appends go after every id ever handed out, never reusing a lost one.
        let next = try await store.append(message("new"), to: [queue])
        #expect(next[0].id > ids.last!)
        #expect(try await store.latest(queue, limit: 1).map(\.text) == ["new"])
    }

    @Test func aCorruptRecordInTheMiddleIsSkippedAndCounted() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let ids = try await writeLog(directory, count: 30)
        let segment = segmentPaths(directory)[0]
        let ends = try recordEnds(segment)
        // Flip one byte inside the body of the 11th record (ends[10] is where it ends).
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: segment))
        try handle.seek(toOffset: UInt64(ends[10] - 3))
        let byte = try handle.read(upToCount: 1)![0]
        try handle.seek(toOffset: UInt64(ends[10] - 3))
        try handle.write(contentsOf: Data([byte ^ 0xFF]))
        try handle.close()

        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        let page = try await store.sync(queue, after: 0, limit: 100)
        var expected = ids
        expected.remove(at: 10)
        #expect(page.messages.map(\.id) == expected)
        #expect(store.stats.corruptRecords == 1)
        #expect(store.stats.corruptBytes == UInt64(ends[10] - ends[9]))
        #expect(store.stats.recoveredBytes == 0)
    }

    @Test func aCorruptSnapshotIsIgnoredAndTheIndexRebuilt() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try LogStore(configuration: storeConfiguration(directory))
            for i in 0..<20 { _ = try await store.append(message("m\(i)"), to: [queue]) }
            try store.close()
        }
        let path = directory.file("index.snapshot")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x55
        try bytes.write(to: URL(fileURLWithPath: path))

        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        #expect(store.stats.replayedRecords == 20)
        #expect(try await store.sync(queue, after: 0, limit: 100).messages.map(\.text) == (0..<20).map { "m\($0)" })
    }

    @Test func aSnapshotCoversOnlyTheHeadAndTheTailIsReplayed() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let other = QueueID.group(appID: 3, gid: 1)
        do {
            let store = try LogStore(configuration: storeConfiguration(directory))
            for i in 0..<10 { _ = try await store.append(message("a\(i)", timestamp: Int64(i)), to: [queue, other]) }
            try store.snapshot()
            for i in 10..<15 { _ = try await store.append(message("a\(i)", timestamp: Int64(i)), to: [queue, other]) }
            // Simulate a crash: keep the mid-run snapshot, skip the one close() writes.
            let saved = try Data(contentsOf: URL(fileURLWithPath: directory.file("index.snapshot")))
            try store.close()
            try saved.write(to: URL(fileURLWithPath: directory.file("index.snapshot")))
        }
        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        #expect(store.stats.replayedRecords == 5)
        #expect(store.stats.messages == 15)
        #expect(try await store.sync(queue, after: 0, limit: 100).messages.map(\.text) == (0..<15).map { "a\($0)" })
        #expect(
            try await store.sync(other, after: 0, limit: 100, notBefore: 12).messages.map(\.text) == ["a12", "a13", "a14"]
        )
    }

    @Test func aLostMetaFileStillOpensAfterTheLog() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let ids = try await writeLog(directory, count: 5)
        try FileManager.default.removeItem(atPath: directory.file("store.meta"))
        let store = try LogStore(configuration: storeConfiguration(directory))
        defer { try? store.close() }
        #expect(try await store.append(message("x"), to: [queue])[0].id > ids.last!)
    }
}

/// SplitMix64: reproducible randomness for tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
