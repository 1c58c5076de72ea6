import Foundation
import NIOCore
import Testing

@testable import IMCore

/// The store's side of replication, without the network: a replica copies the primary's log chunk by
/// chunk and reads back exactly what the primary holds; a torn tail on the replica heals; a replica whose
/// log has what the primary lacks is refused.
@Suite("LogStore mirror")
struct LogStoreMirrorTests {
    /// Copies everything `primary` has made durable into `replica`; returns the chunks copied.
    @discardableResult
    func copy(_ primary: LogStore, into replica: LogStore, maxBytes: Int = 64 << 10) throws -> Int {
        var chunks = 0
        while let chunk = try primary.replicationChunk(after: replica.mirrorProgress.position, maxBytes: maxBytes) {
            try replica.mirror([chunk], primarySegmentSize: primary.configuration.segmentSize, assignedID: primary.replicationHead.assignedID)
            chunks += 1
        }
        return chunks
    }

    func fill(_ store: LogStore, _ count: Int, prefix: String) async throws {
        for n in 0..<count {
            let queues = [QueueID.personal(appID: 7, uid: Int64(n % 5)), QueueID.personal(appID: 7, uid: 99)]
            _ = try await store.append(message("\(prefix)-\(n)-" + String(repeating: "z", count: 2_000)), to: queues)
        }
    }

    func everything(_ store: LogStore) async throws -> [[String]] {
        var queues: [[String]] = []
        for uid in [0, 1, 2, 3, 4, 99] as [Int64] {
            let page = try await store.sync(.personal(appID: 7, uid: uid), after: 0, limit: 100_000)
            queues.append(page.messages.map { "\($0.id):\($0.text.prefix(12))" })
        }
        return queues
    }

    @Test func aReplicaReadsBackWhatThePrimaryHoldsAcrossSegments() async throws {
        let primaryDirectory = TemporaryDirectory()
        let replicaDirectory = TemporaryDirectory()
        defer {
            primaryDirectory.remove()
            replicaDirectory.remove()
        }
        let primary = try LogStore(configuration: storeConfiguration(primaryDirectory))
        defer { try? primary.close() }
        let replica = try LogStore(configuration: storeConfiguration(replicaDirectory))
        defer { try? replica.close() }
        try replica.becomeReplica(of: "test")
        try await fill(primary, 5_000, prefix: "a")  // 10 MB: three 4 MiB segments
        #expect(try copy(primary, into: replica) > 3)
        try await fill(primary, 500, prefix: "b")
        try copy(primary, into: replica)
        #expect(try await everything(replica) == everything(primary))
        #expect(replica.mirrorProgress.position == primary.replicationHead.durable)
        #expect(replica.stats.segments == primary.stats.segments)
        await #expect(throws: StoreError.self) { try await replica.append(message("no"), to: [.personal(appID: 7, uid: 1)]) }

        let firstID = try replica.promote()
        #expect(firstID == primary.replicationHead.assignedID + 1)
        let receipt = try await replica.append(message("after"), to: [.personal(appID: 7, uid: 99)])
        #expect(receipt.first?.id == firstID)
        #expect(receipt.previousIDs == [primary.stats.lastID])
    }

    @Test func aTornTailOnTheReplicaHealsAndTheCopyGoesOn() async throws {
        let primaryDirectory = TemporaryDirectory()
        let replicaDirectory = TemporaryDirectory()
        defer {
            primaryDirectory.remove()
            replicaDirectory.remove()
        }
        let primary = try LogStore(configuration: storeConfiguration(primaryDirectory))
        defer { try? primary.close() }
        try await fill(primary, 300, prefix: "a")
        do {
            let replica = try LogStore(configuration: storeConfiguration(replicaDirectory))
            try replica.becomeReplica(of: "test")
            try copy(primary, into: replica)
            try replica.close()
        }
        // A crash in the middle of a copy: the last record is cut short, and no snapshot covers it.
        let last = try #require(segmentPaths(replicaDirectory).last)
        #expect(truncate(last, off_t(fileSize(last) - 100)) == 0)
        try? FileManager.default.removeItem(atPath: replicaDirectory.file("index.snapshot"))

        let replica = try LogStore(configuration: storeConfiguration(replicaDirectory))
        defer { try? replica.close() }
        try replica.becomeReplica(of: "test")
        #expect(replica.stats.recoveredBytes > 0)
        try await fill(primary, 100, prefix: "b")
        try copy(primary, into: replica)
        #expect(try await everything(replica) == everything(primary))
    }

    @Test func aReplicaWithEntriesThePrimaryLacksIsRefused() async throws {
        let primaryDirectory = TemporaryDirectory()
        let otherDirectory = TemporaryDirectory()
        defer {
            primaryDirectory.remove()
            otherDirectory.remove()
        }
        let primary = try LogStore(configuration: storeConfiguration(primaryDirectory))
        defer { try? primary.close() }
        let other = try LogStore(configuration: storeConfiguration(otherDirectory))
        defer { try? other.close() }
        try await fill(primary, 10, prefix: "a")
        try await fill(other, 10, prefix: "b")
        // As long as the primary's log: the same positions, other records (a former primary's).
        #expect(other.replicationHead.durable == primary.replicationHead.durable)
        #expect(throws: ReplicationRefusal.self) {
            try primary.verifyReplica(at: other.replicationHead.durable, tail: other.tail)
        }
        let replicaDirectory = TemporaryDirectory()
        defer { replicaDirectory.remove() }
        let replica = try LogStore(configuration: storeConfiguration(replicaDirectory))
        defer { try? replica.close() }
        try replica.becomeReplica(of: "test")
        try copy(primary, into: replica)
        try primary.verifyReplica(at: replica.mirrorProgress.position, tail: replica.tail)
        try await fill(other, 1, prefix: "b")
        #expect(throws: ReplicationRefusal.self) {
            try primary.replicationChunk(after: other.replicationHead.durable, maxBytes: 1 << 20)
        }
        try await fill(other, 5, prefix: "c")
        try await fill(primary, 100, prefix: "d")
        // Inside the primary's log but not where one of its records starts.
        let misaligned = LogPosition(segment: 1, offset: other.replicationHead.durable.offset - 3)
        #expect(throws: ReplicationRefusal.self) { try primary.replicationChunk(after: misaligned, maxBytes: 1 << 20) }
    }
}
