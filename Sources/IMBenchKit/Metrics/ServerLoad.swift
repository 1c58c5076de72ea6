/// The server's memory, CPU use and fsyncs between two `/summary` samples, for the progress line and
/// the report.
///
/// `/summary` reports the whole server process. When the server is embedded, that process is imbench
/// itself, so the generator threads' CPU time over the same interval (kept in each sample) is subtracted:
/// what is left is the server's event loops, its store writer and everything else of the process.
struct ServerLoad: Sendable, Equatable {
    var rssBytes: Int
    /// CPU seconds the server used over the interval.
    var cpuSeconds: Double
    /// CPU seconds per second, as a percentage of one core (nil when the interval is empty).
    var cpuPercent: Double?
    /// The store's fsyncs over the interval and their mean duration (nil when there were none).
    var fsyncs = 0
    var fsyncMicroseconds: Double?

    /// The load from `earlier` to `later`; with no earlier sample, only the RSS is known.
    static func between(_ earlier: SummarySampler.Sample?, _ later: SummarySampler.Sample) -> ServerLoad {
        guard let earlier, later.at > earlier.at else {
            return ServerLoad(rssBytes: later.rssBytes, cpuSeconds: 0, cpuPercent: nil)
        }
        let process = later.cpuSeconds - earlier.cpuSeconds
        let generator = later.generatorCPUSeconds - earlier.generatorCPUSeconds
        let cpu = Swift.max(0, process - generator)
        let seconds = Double(later.at - earlier.at) / 1e9
        var load = ServerLoad(rssBytes: later.rssBytes, cpuSeconds: cpu, cpuPercent: cpu / seconds * 100)
        load.fsyncs = Swift.max(0, later.fsyncs - earlier.fsyncs)
        if load.fsyncs > 0 {
            // The store reports a running mean: the interval's total is the difference of the totals.
            let total =
                later.averageFsyncMicroseconds * Double(later.fsyncs) - earlier.averageFsyncMicroseconds
                * Double(earlier.fsyncs)
            load.fsyncMicroseconds = Swift.max(0, total) / Double(load.fsyncs)
        }
        return load
    }
}
