import Dispatch
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import IMCore

/// Appends from many threads, and from inside completions: each completes once, in id order.
@Suite("LogStore completions", .timeLimit(.minutes(10)))
struct LogStoreCompletionTests {
    @Test(
        "appends from many threads complete once each, in id order, across segment rollovers",
        arguments: [IMServerConfiguration.FsyncPolicy.none, .interval, .batch]
    )
    func completionOrder(fsync: IMServerConfiguration.FsyncPolicy) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory, fsync: fsync))
        defer { try? store.close() }
        let threads = 4
        let perThread = 400
        // 4 KiB bodies: 1600 of them fill more than one 4 MiB segment.
        let body = String(repeating: "x", count: 4096)
        let completed = Mutex<[UInt64]>([])
        let (done, finish) = AsyncStream<Void>.makeStream()
        // The appending threads are real threads, not the concurrency pool's (which the rest of a parallel
        // test run needs); the suite's time limit bounds the wait for the completions.
        await onThread {
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for _ in 0..<perThread {
                    store.append(message(body), to: [.personal(appID: 1, uid: Int64(thread + 1))]) { result in
                        let id = (try? result.get())?[0].id ?? 0
                        let count = completed.withLock {
                            $0.append(id)
                            return $0.count
                        }
                        if count == threads * perThread { finish.finish() }
                    }
                }
            }
        }
        for await _ in done {}
        let ids = completed.withLock { $0 }
        #expect(ids.count == threads * perThread)
        #expect(!ids.contains(0), "an append failed")
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "completions out of id order")
        #expect(segmentPaths(directory).count >= 2)
        for thread in 0..<threads {
            #expect(
                try await store.sync(.personal(appID: 1, uid: Int64(thread + 1)), after: 0, limit: 1000).messages.count
                    == perThread
            )
        }
    }

    @Test("an append made from inside a completion completes", arguments: [IMServerConfiguration.FsyncPolicy.none, .interval, .batch])
    func appendFromACompletion(fsync: IMServerConfiguration.FsyncPolicy) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try LogStore(configuration: storeConfiguration(directory, fsync: fsync))
        defer { try? store.close() }
        _ = try await store.append(message("opens the segment"), to: [.personal(appID: 1, uid: 1)])
        let innerSucceeded = await withCheckedContinuation { continuation in
            store.append(message("outer"), to: [.personal(appID: 1, uid: 1)]) { _ in
                store.append(message("inner"), to: [.personal(appID: 1, uid: 1)]) { result in
                    if case .success = result { continuation.resume(returning: true) } else {
                        continuation.resume(returning: false)
                    }
                }
            }
        }
        #expect(innerSucceeded)
        let texts = try await store.sync(.personal(appID: 1, uid: 1), after: 0, limit: 10).messages.map(\.text)
        #expect(texts == ["opens the segment", "outer", "inner"])
    }
}
