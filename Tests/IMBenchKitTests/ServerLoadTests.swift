import Testing

@testable import IMBenchKit

@Suite("Server load between /summary samples")
struct ServerLoadTests {
    static func sample(
        at seconds: Double,
        cpu: Double,
        generator: Double = 0,
        rss: Int = 50 << 20
    )
        -> SummarySampler.Sample
    {
        SummarySampler.Sample(
            rssBytes: rss,
            cpuSeconds: cpu,
            connections: 0,
            droppedPushes: 0,
            inMessages: 0,
            at: UInt64(seconds * 1e9),
            generatorCPUSeconds: generator
        )
    }

    @Test("CPU per second of a separate server is its process's")
    func separateServer() {
        let load = ServerLoad.between(Self.sample(at: 10, cpu: 3), Self.sample(at: 12, cpu: 4.5, rss: 60 << 20))
        #expect(load.rssBytes == 60 << 20)
        #expect(load.cpuSeconds == 1.5)
        #expect(load.cpuPercent == 75)
    }

    @Test("an embedded server's CPU leaves out the generator threads")
    func embeddedServer() {
        let load = ServerLoad.between(
            Self.sample(at: 1, cpu: 2, generator: 0.5),
            Self.sample(at: 2, cpu: 3.5, generator: 1.25)
        )
        #expect(load.cpuSeconds == 0.75)
        #expect(load.cpuPercent == 75)
    }

    @Test("the interval's fsyncs and their mean, from the store's running mean")
    func fsyncs() {
        var earlier = Self.sample(at: 1, cpu: 1)
        earlier.fsyncs = 10
        earlier.averageFsyncMicroseconds = 100
        var later = Self.sample(at: 2, cpu: 1)
        later.fsyncs = 30
        later.averageFsyncMicroseconds = 300
        // 10 × 100 µs, then 20 more totalling 9000 − 1000 = 8000 µs.
        let load = ServerLoad.between(earlier, later)
        #expect(load.fsyncs == 20)
        #expect(load.fsyncMicroseconds == 400)
        #expect(ServerLoad.between(later, later).fsyncMicroseconds == nil)
    }

    @Test("one sample gives the RSS only")
    func firstSample() {
        let load = ServerLoad.between(nil, Self.sample(at: 1, cpu: 2))
        #expect(load.cpuPercent == nil)
        #expect(load.rssBytes == 50 << 20)
        let same = ServerLoad.between(Self.sample(at: 1, cpu: 2), Self.sample(at: 1, cpu: 2))
        #expect(same.cpuPercent == nil)
    }
}
