// LogStore benchmarks: `swift package --disable-sandbox benchmark --target StoreBenchmarks`.
// Data goes to $IM_BENCH_DIR (default: the system temp dir), which must be a real disk for the fsync
// figures to mean anything.
import Benchmark
import Dispatch
import Foundation
import IMCore
import Logging
import NIOCore

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 20
    )

    let appendsPerSecond = BenchmarkMetric.custom("appends/s", polarity: .prefersLarger, useScalingFactor: false)
    let entriesPerSecond = BenchmarkMetric.custom("entries/s", polarity: .prefersLarger, useScalingFactor: false)
    let fsyncMicroseconds = BenchmarkMetric.custom("avg fsync (us)", polarity: .prefersSmaller, useScalingFactor: false)
    let appendsPerFsync = BenchmarkMetric.custom("appends/fsync", polarity: .prefersLarger, useScalingFactor: false)

    // One append at a time, each waiting for its own fsync: the latency of a durable append.
    Benchmark(
        "append 100 B, fsync batch, 1 in flight",
        configuration: .init(
            metrics: [.wallClock, .throughput, fsyncMicroseconds],
            maxDuration: .seconds(5),
            maxIterations: 400,
            setup: { try Fixture.open(fsync: .batch) },
            teardown: { Fixture.close() }
        )
    ) { benchmark in
        let store = Fixture.store
        let body = Fixture.body(100)
        for _ in benchmark.scaledIterations {
            _ = try await store.append(
                NewMessage(command: 4, body: body, senderDeviceID: 1, timestamp: 1),
                to: [QueueID.personal(appID: 1, uid: 1)]
            )
        }
        benchmark.measurement(fsyncMicroseconds, Int(store.stats.averageFsyncMicroseconds))
    }

    // Many appends in flight share each fsync (group commit): durable throughput.
    for window in [4096] {
        Benchmark(
            "append 100 B, fsync batch, \(window) in flight (200k appends)",
            configuration: .init(
                metrics: [.wallClock, appendsPerSecond, appendsPerFsync, fsyncMicroseconds],
                timeUnits: .milliseconds,
                maxIterations: 5,
                setup: { try Fixture.open(fsync: .batch) },
                teardown: { Fixture.close() }
            )
        ) { benchmark in
            let store = Fixture.store
            let before = store.stats
            let started = ContinuousClock.now
            appendClosedLoop(store, count: 200_000, window: window, queues: 1000, fanOut: 1, bodySize: 100)
            let elapsed = ContinuousClock.now - started
            let after = store.stats
            benchmark.measurement(appendsPerSecond, Int(200_000 / elapsed.seconds))
            benchmark.measurement(
                appendsPerFsync,
                Int((after.appends - before.appends) / max(1, after.fsyncs - before.fsyncs))
            )
            benchmark.measurement(fsyncMicroseconds, Int(after.averageFsyncMicroseconds))
        }
    }

    // A normal group's write diffusion: one body, 500 entries, 64 group messages in flight.
    Benchmark(
        "fan-out append to 500 queues, fsync batch, 64 in flight (2000 appends)",
        configuration: .init(
            metrics: [.wallClock, appendsPerSecond, entriesPerSecond],
            timeUnits: .milliseconds,
            maxIterations: 5,
            setup: { try Fixture.open(fsync: .batch) },
            teardown: { Fixture.close() }
        )
    ) { benchmark in
        let started = ContinuousClock.now
        appendClosedLoop(Fixture.store, count: 2000, window: 64, queues: 500, fanOut: 500, bodySize: 100)
        let elapsed = ContinuousClock.now - started
        benchmark.measurement(appendsPerSecond, Int(2000 / elapsed.seconds))
        benchmark.measurement(entriesPerSecond, Int(2000 * 500 / elapsed.seconds))
    }

    // Reading the newest 3000 of a queue whose history holds 1M older messages.
    Benchmark(
        "sync 3000 after 1M older messages",
        configuration: .init(
            metrics: [.wallClock, .throughput],
            maxDuration: .seconds(5),
            maxIterations: 200,
            setup: {
                try Fixture.open(fsync: .none)
                appendClosedLoop(Fixture.store, count: 1_000_000, window: 4096, queues: 1, fanOut: 1, bodySize: 100)
                Fixture.key = try Fixture.store.sync(QueueID.personal(appID: 1, uid: 0), after: 0, limit: 0).newestID
                appendClosedLoop(Fixture.store, count: 3000, window: 1024, queues: 1, fanOut: 1, bodySize: 100)
            },
            teardown: { Fixture.close() }
        )
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let page = try Fixture.store.sync(QueueID.personal(appID: 1, uid: 0), after: Fixture.key, limit: 3000)
            precondition(page.messages.count == 3000 && !page.hasMore)
            blackHole(page)
        }
    }

    // Restart: open a store holding 5M messages (peer shape: 2 entries each, 10M entries, 10k users).
    reopenBenchmark("reopen a store of 5M messages (10M entries)", messages: 5_000_000, withSnapshot: true)
    // The worst restart: no snapshot at all (normally one is written every 256 MiB of log and on close,
    // so a crash replays at most that much), the index rebuilt from every record.
    reopenBenchmark(
        "reopen a store of 1M messages without its snapshot (full replay)",
        messages: 1_000_000,
        withSnapshot: false
    )
}

/// Measures opening a store of `messages` peer-shaped messages, with or without its index snapshot.
func reopenBenchmark(_ name: String, messages: Int, withSnapshot: Bool) {
    Benchmark(
        name,
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident],
            timeUnits: .milliseconds,
            warmupIterations: 0,
            maxDuration: .seconds(30),
            maxIterations: 3,
            setup: {
                try Fixture.open(fsync: .none)
                appendClosedLoop(Fixture.store, count: messages, window: 4096, queues: 10_000, fanOut: 2, bodySize: 100)
                try Fixture.store.close()
            },
            teardown: { Fixture.close() }
        )
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            if !withSnapshot { try? FileManager.default.removeItem(atPath: Fixture.directory + "/index.snapshot") }
            benchmark.startMeasurement()
            let store = try LogStore(configuration: Fixture.configuration(fsync: .none))
            benchmark.stopMeasurement()
            precondition(store.stats.messages == UInt64(messages))
            precondition(store.stats.replayedRecords == (withSnapshot ? 0 : UInt64(messages)))
            try store.close()
        }
    }
}

/// The store under test, shared by a benchmark's setup, body and teardown (benchmarks run one at a time).
enum Fixture {
    nonisolated(unsafe) static var current: LogStore?
    static var store: LogStore { current! }
    nonisolated(unsafe) static var directory = ""
    nonisolated(unsafe) static var key: UInt64 = 0

    static func configuration(fsync: IMServerConfiguration.FsyncPolicy) -> LogStoreConfiguration {
        var configuration = LogStoreConfiguration(directory: directory)
        configuration.fsync = fsync
        configuration.logger.logLevel = .warning
        return configuration
    }

    static func open(fsync: IMServerConfiguration.FsyncPolicy) throws {
        let base = ProcessInfo.processInfo.environment["IM_BENCH_DIR"] ?? NSTemporaryDirectory()
        directory = base + "/im-store-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        current = try LogStore(configuration: configuration(fsync: fsync))
    }

    static func close() {
        try? current?.close()
        current = nil
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func body(_ size: Int) -> ByteBuffer {
        ByteBuffer(repeating: UInt8(ascii: "m"), count: size)
    }
}

/// Appends `count` messages keeping `window` in flight; message i goes to `fanOut` consecutive queues
/// starting at queue i % `queues`.
func appendClosedLoop(_ store: LogStore, count: Int, window: Int, queues: Int, fanOut: Int, bodySize: Int) {
    let slots = DispatchSemaphore(value: window)
    let done = DispatchGroup()
    let body = Fixture.body(bodySize)
    let targets = (0..<queues).map { QueueID.personal(appID: 1, uid: Int64($0)) }
    for i in 0..<count {
        slots.wait()
        done.enter()
        let first = i % queues
        let to = fanOut == 1 ? [targets[first]] : (0..<fanOut).map { targets[(first + $0) % queues] }
        store.append(NewMessage(command: 4, body: body, senderDeviceID: 1, timestamp: 1), to: to) { result in
            if case .failure(let error) = result { fatalError("append failed: \(error)") }
            slots.signal()
            done.leave()
        }
    }
    done.wait()
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
