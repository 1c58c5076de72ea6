import IMCore
import NIOCore
import NIOPosix

/// The simulated clients: one event-loop group of its own, one `LoopShard` per loop, connections spread
/// round-robin over the loops. Async only at the edges (connecting, starting, collecting).
final class LoadGenerator: Sendable {
    let group: MultiThreadedEventLoopGroup
    let live = LiveCounters()
    private let shards: [NIOLoopBound<LoopShard>]
    /// The generator threads' ids, for their CPU time.
    let threadIDs: [Int32]

    init(threads: Int) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var shards: [NIOLoopBound<LoopShard>] = []
        var threadIDs: [Int32] = []
        let live = self.live
        for loop in group.makeIterator() {
            let (bound, tid) = try await loop.submit {
                (NIOLoopBound(LoopShard(eventLoop: loop, live: live), eventLoop: loop), ThreadCPU.currentThreadID())
            }.get()
            shards.append(bound)
            threadIDs.append(tid)
        }
        self.shards = shards
        self.threadIDs = threadIDs
    }

    /// CPU seconds used by the generator's threads so far.
    var cpuSeconds: Double { threadIDs.reduce(0) { $0 + ThreadCPU.seconds(thread: $1) } }

    /// Opens and logs in every connection, at most `rate` new connections a second (0: as fast as
    /// possible), at most `concurrency` in progress. Returns the channels of the connections that logged
    /// in; failures are counted in the shards' errors and `live.failedConnections`.
    func connect(
        _ specs: [ConnectionSpec],
        host: String,
        port: Int,
        pipeline: ClientPipeline,
        sources: [String],
        rate: Double,
        concurrency: Int = 1000,
        senderOrdinals: [Int: Int] = [:]
    ) async -> [any Channel] {
        var channels: [any Channel] = []
        var inProgress: [EventLoopFuture<any Channel>] = []
        let start = ContinuousClock.now
        let shards = self.shards
        let live = self.live
        for (offset, spec) in specs.enumerated() {
            if rate > 0 {
                let due = start + .nanoseconds(Int64(Double(offset) / rate * 1e9))
                if due > .now { try? await Task.sleep(until: due) }
            }
            let bound = shards[offset % shards.count]
            let loop = bound.eventLoop
            let ordinal = senderOrdinals[spec.index] ?? 0
            var bootstrap = ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(10))
            if !sources.isEmpty {
                let source = sources[offset % sources.count]
                if let address = try? SocketAddress(ipAddress: source, port: 0) {
                    bootstrap = bootstrap.bind(to: address)
                }
            }
            let (host, port) = spec.node.map { ($0.host, $0.port) } ?? (host, port)
            let connectStarted = BenchClock.now()
            let ready = loop.makePromise(of: Void.self)
            let connected = bootstrap.channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The transport's handlers first; for WebSocket the connection's handler joins after
                    // the upgrade, and a refused upgrade fails the login.
                    let upgraded = try pipeline.configure(channel, host: host, port: port) { channel in
                        let shard = bound.value
                        let handler = BenchConnection(
                            spec: spec,
                            shard: shard,
                            ready: ready,
                            connectStarted: connectStarted
                        )
                        handler.senderOrdinal = ordinal
                        shard.connections.append(handler)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    upgraded.whenFailure { error in ready.fail(error) }
                    // A connection that closes before its handler logs in (a second completion is ignored).
                    channel.closeFuture.whenComplete { _ in
                        ready.fail(BenchError(.connect, "uid \(spec.user.uid): the connection closed before login"))
                    }
                }
            }.connect(host: host, port: port)
            connected.whenFailure { error in
                ready.fail(error)
                bound.value.countError("connect: \(BenchError.describe(error))")
            }
            let loggedIn = connected.flatMap { channel in ready.futureResult.map { channel } }
            inProgress.append(loggedIn)
            if inProgress.count >= concurrency {
                let first = inProgress.removeFirst()
                if let channel = try? await first.get() {
                    channels.append(channel)
                } else {
                    live.failedConnections.add(1, ordering: .relaxed)
                }
            }
        }
        for future in inProgress {
            if let channel = try? await future.get() {
                channels.append(channel)
            } else {
                live.failedConnections.add(1, ordering: .relaxed)
            }
        }
        return channels
    }

    /// Starts every sender under `plan`.
    func start(_ plan: SendPlan) async {
        for shard in shards {
            try? await shard.eventLoop.submit { shard.value.start(plan) }.get()
        }
    }

    /// Stops every sender (end of run or deadline).
    func stopSending() async {
        for shard in shards {
            try? await shard.eventLoop.submit { shard.value.stop() }.get()
        }
    }

    /// Records, per message, when it reached its first and last recipient (fan-out scenarios).
    func trackSpans() async {
        for shard in shards {
            try? await shard.eventLoop.submit { shard.value.trackSpans = true }.get()
        }
    }

    /// Pings every connection once.
    func pingAll() async {
        for shard in shards {
            try? await shard.eventLoop.submit { shard.value.pingAll() }.get()
        }
    }

    /// The latencies recorded since the last call, merged over the loops.
    func takeInterval() async -> [LatencyHistogram] {
        var merged = [LatencyHistogram](repeating: LatencyHistogram(), count: BenchOperation.allCases.count)
        for shard in shards {
            guard let interval = try? await shard.eventLoop.submit({ shard.value.takeInterval() }).get() else {
                continue
            }
            for index in merged.indices { merged[index].add(interval[index]) }
        }
        return merged
    }

    /// Every loop's figures and every connection's accounting.
    func collect() async -> [ShardResult] {
        var results: [ShardResult] = []
        for shard in shards {
            if let result = try? await shard.eventLoop.submit({ shard.value.result() }).get() {
                results.append(result)
            }
        }
        return results
    }

    /// Closes every connection (not counted as errors).
    func closeAll(_ channels: [any Channel]) async {
        for shard in shards {
            try? await shard.eventLoop.submit {
                for connection in shard.value.connections { connection.prepareToClose() }
                shard.value.stop()
            }.get()
        }
        for channel in channels { channel.close(promise: nil) }
        for channel in channels { try? await channel.closeFuture.get() }
    }

    /// Stops the event loops.
    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}
