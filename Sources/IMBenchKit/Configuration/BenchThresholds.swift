/// Pass/fail limits for CI. A failed threshold exits 1; lost, duplicated or reordered messages exit 4.
package struct BenchThresholds: Sendable, Equatable, Codable {
    /// The highest acceptable p99 of the scenario's main latency (delivery for message scenarios when
    /// pushes were measured, else ACK; connect+auth for `connections`; sync for `offline`), in µs.
    package var maxP99Microseconds: UInt64?
    /// The lowest acceptable delivered (or, without recipients, ACKed) messages per second; for
    /// `connections`, connections per second.
    package var minRate: Double?
    /// Lost messages tolerated. Default 0: anything lost fails the run.
    package var maxLost = 0

    package init(maxP99Microseconds: UInt64? = nil, minRate: Double? = nil, maxLost: Int = 0) {
        self.maxP99Microseconds = maxP99Microseconds
        self.minRate = minRate
        self.maxLost = maxLost
    }

    enum CodingKeys: String, CodingKey {
        case maxP99Microseconds = "max_p99_us"
        case minRate = "min_rate"
        case maxLost = "max_lost"
    }
}
