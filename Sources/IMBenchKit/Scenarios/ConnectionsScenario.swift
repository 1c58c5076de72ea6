import Foundation
import NIOCore

/// `connections`: opens `clients` authenticated connections at `--connect-rate`, holds them for
/// `--duration` with a PING every `--ping-interval`, and reports connect and login latency, the connect
/// rate and (with an admin URL) the server's memory per connection from `/summary`.
enum ConnectionsScenario {
    static func userCount(_ configuration: BenchConfiguration) -> Int {
        configuration.clients
    }

    static func run(_ context: ScenarioContext) async throws {
        let specs = context.users.enumerated().map { index, user in
            ConnectionSpec(index: index, user: user, deviceID: "imbench-\(user.uid)", role: .idle, expects: [])
        }
        let before = await context.sampleServer()
        let start = BenchClock.now()
        let generator = context.generator
        let channels = try await withThrowingTaskGroup(of: [any Channel]?.self, returning: [any Channel].self) {
            group in
            group.addTask { try await context.connect(specs) }
            group.addTask {
                var tracker = ProgressTracker(context: context, start: start)
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    await tracker.tick(phase: "connecting")
                }
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let channels = result { return channels }
            }
            return []
        }
        let connectSeconds = Double(BenchClock.now() - start) / 1e9
        context.report.throughput.connectionsPerSecond = Double(channels.count) / max(connectSeconds, 0.001)
        // Let the server settle before measuring its memory.
        try? await Task.sleep(for: .seconds(1))
        let after = await context.sampleServer()
        // Hold, pinging.
        let holdStart = BenchClock.now()
        let cpuStart = generator.cpuSeconds
        let processStart = ThreadCPU.processSeconds()
        let durationNs = BenchParsing.nanoseconds(context.configuration.duration)
        let pingNs = max(100_000_000, BenchParsing.nanoseconds(context.configuration.pingInterval))
        var tracker = ProgressTracker(context: context, start: holdStart)
        var nextPing = holdStart
        while BenchClock.now() < holdStart + durationNs {
            if BenchClock.now() >= nextPing {
                await generator.pingAll()
                nextPing += pingNs
            }
            try? await Task.sleep(for: .milliseconds(100))
            await tracker.tick(phase: "holding")
        }
        let wall = Double(BenchClock.now() - holdStart) / 1e9
        let held = generator.live.snapshot()
        let results = await generator.collect()
        var report = context.report
        var histograms = [LatencyHistogram](repeating: LatencyHistogram(), count: BenchOperation.allCases.count)
        for shard in results {
            for index in histograms.indices { histograms[index].add(shard.histograms[index]) }
            for (cause, count) in shard.errors { report.errors[cause, default: 0] += count }
        }
        for operation in BenchOperation.allCases where histograms[operation.index].count > 0 {
            report.operations[operation.rawValue] = histograms[operation.index].summary
        }
        report.totals.connections = channels.count
        report.totals.connectFailures = specs.count - channels.count
        if held.closedConnections > 0 {
            report.notes.append("\(held.closedConnections) connections were closed by the server while held")
        }
        if let before, let after, channels.count > 0 {
            report.server.bytesPerConnection = Double(after.rssBytes - before.rssBytes) / Double(channels.count)
        }
        let threads = Double(generator.threadIDs.count)
        report.generator.threads = Int(threads)
        report.generator.cpuPercent = (generator.cpuSeconds - cpuStart) / max(wall, 0.001) / threads * 100
        report.generator.saturated = report.generator.cpuPercent >= 90
        report.generator.processCpuPercent = (ThreadCPU.processSeconds() - processStart) / max(wall, 0.001) * 100
        report.measuredSeconds = connectSeconds
        if report.totals.connectFailures > 0 {
            let limit = ResourceLimits.openFiles
            report.notes.append(
                "\(report.totals.connectFailures) of \(specs.count) connections failed; this process may open "
                    + "\(limit) files (RLIMIT_NOFILE), an embedded server shares that limit"
            )
        }
        context.report = report
        await generator.closeAll(channels)
    }
}
