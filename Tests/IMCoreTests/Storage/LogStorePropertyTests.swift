import Foundation
import NIOCore
import PropertyBased
import Testing

@testable import IMCore

/// Random sequences of appends, reads and reopens, checked against a plain in-memory model.
@Suite("LogStore against a model")
struct LogStorePropertyTests {
    /// The obviously-correct model: every queue is an array of (id, text, timestamp).
    struct Model {
        var queues: [QueueID: [(id: UInt64, text: String, timestamp: Int64)]] = [:]
        var lastID: UInt64 = 0

        func page(
            _ queue: QueueID,
            after key: UInt64,
            limit: Int,
            notBefore: Int64?
        ) -> (texts: [String], last: UInt64, more: Bool) {
            let entries = (queues[queue] ?? []).filter { $0.id > key && $0.timestamp >= (notBefore ?? .min) }
            let taken = entries.prefix(max(0, limit))
            return (taken.map(\.text), taken.last?.id ?? key, entries.count > taken.count)
        }
    }

    static let queues: [QueueID] =
        (0..<4).map { QueueID.personal(appID: 1, uid: Int64($0)) }
        + (0..<2).map { QueueID.group(appID: 1, gid: Int64($0)) }

    @Test func randomOperationsMatchTheModel() async throws {
        await propertyCheck(count: 25, input: Gen.int(in: 0...1_000_000).array(of: 1...150)) { operations in
            let directory = TemporaryDirectory()
            defer { directory.remove() }
            var store = try LogStore(configuration: storeConfiguration(directory))
            var model = Model()
            var clock: Int64 = 1000
            for (step, value) in operations.enumerated() {
                let queue = Self.queues[value % Self.queues.count]
                switch value % 7 {
                case 0, 1, 2:
                    // Append to 1...3 distinct queues.
                    let count = 1 + (value / 7) % 3
                    let start = value % Self.queues.count
                    let targets = (0..<count).map { Self.queues[(start + $0) % Self.queues.count] }
                    let text = "s\(step)-" + String(repeating: "b", count: value % 300)
                    clock += Int64(value % 3)
                    let receipt = try await store.append(message(text, timestamp: clock), to: targets)
                    for (index, target) in targets.enumerated() {
                        #expect(receipt[index].id > model.lastID)
                        #expect(receipt[index].previousID == model.queues[target]?.last?.id ?? 0)
                        model.queues[target, default: []].append((receipt[index].id, text, clock))
                        model.lastID = receipt[index].id
                    }
                case 3:
                    let entries = model.queues[queue] ?? []
                    let key = entries.isEmpty || value % 5 == 0 ? UInt64(value % 3) : entries[value % entries.count].id
                    let limit = value % 11
                    let notBefore: Int64? = queue.kind == .group && value % 2 == 0 ? clock - Int64(value % 4) : nil
                    let page = try await store.sync(queue, after: key, limit: limit, notBefore: notBefore)
                    let expected = model.page(queue, after: key, limit: limit, notBefore: notBefore)
                    #expect(page.messages.map(\.text) == expected.texts)
                    #expect(page.lastID == expected.last)
                    #expect(page.hasMore == expected.more)
                case 4:
                    let entries = model.queues[queue] ?? []
                    let before = entries.isEmpty ? UInt64.max : entries[value % entries.count].id
                    let limit = value % 6
                    let expected = entries.filter { $0.id < before }.suffix(limit).map(\.text)
                    #expect(try await store.history(queue, before: before, limit: limit).map(\.text) == Array(expected))
                case 5:
                    let entries = model.queues[queue] ?? []
                    let key = entries.isEmpty ? 0 : entries[value % entries.count].id
                    #expect(try await store.newCount(queue, after: key) == entries.filter { $0.id > key }.count)
                    #expect(try store.lastID(queue) == entries.last?.id ?? 0)
                default:
                    // Reopen, sometimes without the snapshot so the log is replayed.
                    try store.close()
                    if value % 2 == 0 { try? FileManager.default.removeItem(atPath: directory.file("index.snapshot")) }
                    store = try LogStore(configuration: storeConfiguration(directory))
                }
            }
            for queue in Self.queues {
                let all = try await store.sync(queue, after: 0, limit: 10_000)
                #expect(all.messages.map(\.text) == (model.queues[queue] ?? []).map(\.text))
            }
            try store.close()
        }
    }
}
