import Foundation
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@testable import IMCore
import IMTestSupport

/// The `MessageStore` contract, checked through the port alone against every adapter: what a session
/// and the admin API rely on, whatever stores the messages.
@Suite("MessageStore conformance")
struct MessageStoreConformanceTests {
    static let alice = QueueID.personal(appID: 7, uid: 1)
    static let bob = QueueID.personal(appID: 7, uid: 2)
    static let room = QueueID.group(appID: 7, gid: 42)

    @Test(arguments: StoreAdapter.all)
    func appendsGiveIncreasingKeysAndThePreviousKeyPerQueue(adapter: StoreAdapter) async throws {
        try await adapter.with { store in
            let first = try await store.append(message("hi bob"), to: [Self.bob, Self.alice])
            #expect(first.count == 2)
            #expect(first[0].previousID == 0 && first[1].previousID == 0)
            let second = try await store.append(message("and again"), to: [Self.bob, Self.alice])
            #expect(second[0].id > first[0].id && second[1].id > first[1].id)
            #expect(second[0].previousID == first[0].id)
            #expect(second[1].previousID == first[1].id)
            let page = try await store.sync(Self.bob, after: 0, limit: 10)
            #expect(page.messages.map(\.text) == ["hi bob", "and again"])
            #expect(page.messages.map(\.id) == [first[0].id, second[0].id])
            #expect(page.lastID == second[0].id && page.newestID == second[0].id && !page.hasMore)
            #expect(page.messages[0].senderDeviceID == 7)
            #expect(page.messages[0].command == 4)
            #expect(page.messages[0].timestamp == 1_700_000_000)
            #expect(try await store.sync(Self.alice, after: first[1].id, limit: 10).messages.map(\.text) == ["and again"])
        }
    }

    @Test(arguments: StoreAdapter.all)
    func syncPagesThroughEverythingAndCountsWhatIsNew(adapter: StoreAdapter) async throws {
        try await adapter.with { store in
            for i in 0..<25 { _ = try await store.append(message("m\(i)"), to: [Self.bob]) }
            var key: UInt64 = 0
            var seen: [String] = []
            var pages = 0
            while true {
                let page = try await store.sync(Self.bob, after: key, limit: 10)
                seen += page.messages.map(\.text)
                pages += 1
                key = page.lastID
                if !page.hasMore { break }
            }
            #expect(seen == (0..<25).map { "m\($0)" })
            #expect(pages == 3)
            let all = try await store.sync(Self.bob, after: 0, limit: 100).messages
            #expect(try await store.newCount(Self.bob, after: 0) == 25)
            #expect(try await store.newCount(Self.bob, after: all[19].id) == 5)
            #expect(try await store.latest(Self.bob, limit: 3).map(\.text) == ["m22", "m23", "m24"])
            #expect(try await store.history(Self.bob, before: all[10].id, limit: 2).map(\.text) == ["m8", "m9"])
            #expect(try await store.sync(Self.bob, after: 0, limit: 0).messages.isEmpty)
        }
    }

    @Test(arguments: StoreAdapter.all)
    func unknownQueuesAndKeysPastTheEndAreEmpty(adapter: StoreAdapter) async throws {
        try await adapter.with { store in
            let receipt = try await store.append(message("x"), to: [Self.bob])
            let nobody = QueueID.personal(appID: 7, uid: 999)
            #expect(try await store.sync(nobody, after: 0, limit: 10) == SyncPage(messages: [], lastID: 0, hasMore: false, newestID: 0))
            let past = try await store.sync(Self.bob, after: 1 << 60, limit: 10)
            #expect(past == SyncPage(messages: [], lastID: 1 << 60, hasMore: false, newestID: receipt[0].id))
            #expect(try await store.newCount(nobody, after: 0) == 0)
            #expect(try await store.newCount(Self.bob, after: 1 << 60) == 0)
            #expect(try await store.latest(nobody, limit: 5).isEmpty)
        }
    }

    @Test(arguments: StoreAdapter.all)
    func oneBodyForManyQueuesAndAQueueNamedTwiceGetsTwoEntries(adapter: StoreAdapter) async throws {
        try await adapter.with { store in
            let members = (1...50).map { QueueID.personal(appID: 7, uid: Int64($0)) }
            let receipt = try await store.append(message("to the group"), to: members + [Self.room, Self.room])
            #expect(receipt.count == 52)
            #expect(receipt[51].previousID == receipt[50].id)
            for member in members {
                #expect(try await store.sync(member, after: 0, limit: 5).messages.map(\.text) == ["to the group"])
            }
            #expect(try await store.sync(Self.room, after: 0, limit: 5).messages.count == 2)
            let statistics = store.statistics
            #expect(statistics.appends >= 1)
            #expect(statistics.messages >= 1)
        }
    }

    @Test(arguments: StoreAdapter.all)
    func notBeforeSkipsWhatWasStampedEarlier(adapter: StoreAdapter) async throws {
        try await adapter.with { store in
            for (text, time) in [("old", Int64(100)), ("joined", 200), ("new", 300)] {
                _ = try await store.append(message(text, timestamp: time), to: [Self.room])
            }
            let page = try await store.sync(Self.room, after: 0, limit: 10, notBefore: 200)
            #expect(page.messages.map(\.text) == ["joined", "new"])
        }
    }

    @Test(arguments: StoreAdapter.all)
    func refusedAppendsStoreNothing(adapter: StoreAdapter) async throws {
        try await adapter.with { store in
            let empty = NewMessage(command: 4, body: ByteBuffer(), senderDeviceID: 0, timestamp: 1)
            let tooBig = message(String(repeating: "x", count: 32768))
            for (bad, queues, code) in [
                (empty, [Self.bob], StoreError.Code.emptyBody), (message("x"), [], .noQueues),
                (tooBig, [Self.bob], .bodyTooLarge),
            ] {
                let error = await #expect(throws: StoreError.self) { try await store.append(bad, to: queues) }
                #expect(error?.code == code)
            }
            #expect(try await store.newCount(Self.bob, after: 0) == 0)
            _ = try await store.append(message(String(repeating: "y", count: 32767)), to: [Self.bob])
            #expect(try await store.latest(Self.bob, limit: 1).first?.body.readableBytes == 32767)
        }
    }

    /// The reader syncs continuously while writers append to the same queue: it must end with every entry,
    /// none skipped, none twice (an entry never becomes visible behind a key a reader has seen).
    @Test(arguments: StoreAdapter.all)
    func aReaderSyncingWhileOthersAppendSkipsNothing(adapter: StoreAdapter) async throws {
        try await adapter.with { store in
            let writers = 4
            let perWriter = 150
            let seen = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for n in 0..<perWriter { _ = try await store.append(message("w\(writer)-\(n)"), to: [Self.bob, Self.alice]) }
                        return []
                    }
                }
                group.addTask {
                    var key: UInt64 = 0
                    var seen: [UInt64] = []
                    while seen.count < writers * perWriter {
                        let page = try await store.sync(Self.bob, after: key, limit: 37)
                        seen += page.messages.map(\.id)
                        key = page.lastID
                        if page.messages.isEmpty { await Task.yield() }
                    }
                    return seen
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(seen.count == writers * perWriter)
            #expect(Set(seen).count == seen.count, "no entry read twice")
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 }, "keys read in increasing order")
        }
    }

    /// Appends made one after another without waiting (a sender's window) get keys in that order in
    /// every queue they share, and complete in it.
    @Test(arguments: StoreAdapter.all)
    func appendsKeepTheOrderTheyWereMadeIn(adapter: StoreAdapter) async throws {
        try await adapter.with { store in
            let count = 300
            let completed = Mutex<[(Int, UInt64)]>([])
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                for n in 0..<count {
                    let queues = n % 3 == 0 ? [Self.bob, Self.room] : [Self.bob]
                    store.append(message("m\(n)"), to: queues) { result in
                        let finished = completed.withLock { list -> Bool in
                            list.append((n, (try? result.get())?[0].id ?? 0))
                            return list.count == count
                        }
                        if finished { done.resume() }
                    }
                }
            }
            let order = completed.withLock { $0 }
            #expect(order.map(\.0) == Array(0..<count), "completions in the order the appends were made")
            #expect(zip(order, order.dropFirst()).allSatisfy { $0.1 < $1.1 }, "keys in that order")
            let texts = try await store.sync(Self.bob, after: 0, limit: count).messages.map(\.text)
            #expect(texts == (0..<count).map { "m\($0)" })
        }
    }

    @Test(arguments: StoreAdapter.all)
    func afterShutdownAppendsFailAsClosed(adapter: StoreAdapter) async throws {
        try await adapter.with { store in
            _ = try await store.append(message("before"), to: [Self.bob])
        } after: { store in
            let error = await #expect(throws: StoreError.self) { try await store.append(message("after"), to: [Self.bob]) }
            #expect(error?.code == .closed)
        }
    }
}

/// A way to open a `MessageStore` for the conformance suite, and the adapter's name in test output.
struct StoreAdapter: Sendable, CustomTestStringConvertible {
    var name: String
    /// Opens a store in the directory and hands `body` the store and the services it needs running
    /// (itself last), then cleans up.
    var open: @Sendable (TemporaryDirectory, _ body: (any MessageStore, [any Service]) async throws -> Void) async throws -> Void

    var testDescription: String { name }

    static let all: [StoreAdapter] = [
        StoreAdapter(name: "LogStore") { directory, body in
            let store = try LogStore(configuration: storeConfiguration(directory, fsync: .batch))
            try await body(store, [store])
        },
    ] + (TestPostgres.enabled ? [postgres] : [])

    /// `PostgresMessageStore` on a new database of the test server.
    static let postgres = StoreAdapter(name: "PostgreSQL") { _, body in
        try await TestPostgres.withDatabase { url in
            let (database, store) = try await openPostgresStore(url: url)
            try await body(store, [database, store])
        }
    }

    /// Opens a store, runs it as a service while `body` uses it, shuts it down gracefully, then runs
    /// `after` against the closed store.
    func with(
        _ body: (any MessageStore) async throws -> Void,
        after: (any MessageStore) async throws -> Void = { _ in }
    ) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try await open(directory) { store, services in
            let group = ServiceGroup(services: services, logger: .init(label: "conformance"))
            let running = Task { try await group.run() }
            let result = await Result { try await body(store) }
            await group.triggerGracefulShutdown()
            try await running.value
            try result.get()
            try await after(store)
        }
    }
}

/// The database pool and a `PostgresMessageStore` on `url` (migrated); the caller runs both as services.
func openPostgresStore(url: String, timeout: Duration = .seconds(60)) async throws -> (PostgresDatabase, PostgresMessageStore) {
    var configuration = IMServerConfiguration()
    configuration.postgres.url = url
    configuration.postgres.timeout = timeout
    configuration.logger.logLevel = .warning
    let database = try await PostgresDatabase.open(configuration)
    return (database, PostgresMessageStore(database: database))
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
