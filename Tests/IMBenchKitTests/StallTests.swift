import Testing

@testable import IMBenchKit

/// A stall on the server's path must show in the open-loop percentiles: latency is measured from each
/// message's intended send time, so the messages that should have gone out during the stall count it.
@Suite("Injected stall", .serialized)
struct StallTests {
    @Test("a 400 ms stall shows in the open-loop p99 and loses nothing")
    func stallShowsInP99() async throws {
        var configuration = BenchConfiguration()
        configuration.scenario = .peer
        configuration.target = .embedded(fsync: .none, threads: 1)
        configuration.threads = 1
        configuration.clients = 4
        configuration.load = .open(rate: 500)
        configuration.duration = .seconds(2)
        configuration.warmup = .zero
        configuration.injectedStall = (after: .seconds(1), length: .milliseconds(400))
        let report = await IMBench.run(configuration, log: { _ in })
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.totals.lost == 0)
        // ~20% of the messages were intended during the stall, so the tail holds up to 400 ms of it, from
        // each message's intended send time. These are lower bounds: a slow machine only adds to them (the
        // median is left alone: on a loaded machine it is as slow as the machine, not a property of the run).
        let delivery = try #require(report.operations["delivery"])
        #expect(delivery.p99 >= 300_000, "\(report.text)")
        #expect(delivery.max >= 380_000, "\(report.text)")
        // The same run as a threshold check fails with exit 1.
        var strict = report
        strict.evaluate(BenchThresholds(maxP99Microseconds: 20_000))
        #expect(strict.outcome.exitCode == 1)
    }
}
