import Histogram

/// One operation's latencies in microseconds (HdrHistogram, 3 significant digits, up to one hour).
package struct LatencyHistogram: Sendable {
    package private(set) var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1,
        highestTrackableValue: LatencyHistogram.highest,
        numberOfSignificantValueDigits: .three
    )

    static let highest: UInt64 = 3_600_000_000

    package init() {}

    package var count: UInt64 { histogram.totalCount }

    /// Records a latency given in nanoseconds (clamped to 1 µs ... 1 hour).
    package mutating func record(nanoseconds: UInt64) {
        _ = histogram.record(Swift.min(Swift.max(nanoseconds / 1000, 1), Self.highest))
    }

    package mutating func add(_ other: LatencyHistogram) {
        if other.count > 0 { histogram.add(other.histogram) }
    }

    /// The percentiles every report shows.
    package var summary: LatencySummary {
        guard count > 0 else { return LatencySummary(count: 0) }
        return LatencySummary(
            count: Int(count),
            p50: histogram.valueAtPercentile(50),
            p90: histogram.valueAtPercentile(90),
            p99: histogram.valueAtPercentile(99),
            p999: histogram.valueAtPercentile(99.9),
            max: histogram.max,
            mean: histogram.mean
        )
    }
}

/// A histogram's percentiles, in microseconds.
package struct LatencySummary: Sendable, Codable, Equatable {
    package var count: Int
    package var p50: UInt64 = 0
    package var p90: UInt64 = 0
    package var p99: UInt64 = 0
    package var p999: UInt64 = 0
    package var max: UInt64 = 0
    package var mean: Double = 0

    enum CodingKeys: String, CodingKey {
        case count
        case p50 = "p50_us"
        case p90 = "p90_us"
        case p99 = "p99_us"
        case p999 = "p99_9_us"
        case max = "max_us"
        case mean = "mean_us"
    }
}
