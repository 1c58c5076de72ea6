import IMAdminClient

/// Reads the server's `/summary` (no token needed) for its memory, CPU and counters.
struct SummarySampler: Sendable {
    let url: String
    private let client: IMAdminClient?

    struct Sample: Sendable, Equatable {
        var rssBytes: Int
        /// The server process's CPU seconds (user + system) so far.
        var cpuSeconds: Double
        var connections: Int
        var droppedPushes: Int
        var inMessages: Int
        /// The store's fsyncs so far, and their mean duration.
        var fsyncs: Int = 0
        var averageFsyncMicroseconds: Double = 0
        /// When the sample was taken (`BenchClock`, ns).
        var at: UInt64 = 0
        /// An embedded server's process includes the generator: its threads' CPU seconds at the same
        /// moment (0 for a separate server).
        var generatorCPUSeconds: Double = 0
    }

    /// A sampler of the server at `url`; one whose URL does not parse samples nothing.
    init(url: String) {
        self.url = url
        client = try? BenchAdminClient.make(url: url, token: nil, timeout: .seconds(5))
    }

    func sample() async -> Sample? {
        guard let client, let summary = try? await client.call(IMAdmin.Summary.self, .init()) else { return nil }
        let at = BenchClock.now()
        return Sample(
            rssBytes: Int(summary.process?.rssBytes ?? 0),
            cpuSeconds: summary.process?.cpuSeconds ?? 0,
            connections: Int(summary.connectionCount ?? 0),
            droppedPushes: Int(summary.droppedPushCount ?? 0),
            inMessages: Int(summary.inMessageCount ?? 0),
            fsyncs: Int(summary.store?.fsyncs ?? 0),
            averageFsyncMicroseconds: summary.store?.averageFsyncMicroseconds ?? 0,
            at: at
        )
    }
}
