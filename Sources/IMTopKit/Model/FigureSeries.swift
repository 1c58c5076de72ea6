import Foundation

/// One figure over time: its value now, moving averages, the average since the process started, and the
/// recent history behind its sparkline.
package struct FigureSeries: Sendable, Equatable {
    /// Values kept for sparklines (one per poll; wider than any terminal's sparkline column).
    package static let historyLength = 300
    /// The time constants of the two moving averages, in seconds.
    package static let shortWindow = 60.0
    package static let longWindow = 300.0

    /// The latest value; nil when it could not be computed (first sample, node down, a restart).
    package private(set) var current: Double?
    /// Exponentially weighted moving averages with 1 and 5 minute time constants (as the load average),
    /// weighted by the time between samples so a change of interval does not skew them.
    package private(set) var oneMinute: Double?
    package private(set) var fiveMinutes: Double?
    /// The average since the node's process started (counter / uptime), where the figure allows it.
    package var sinceStart: Double?
    /// The last values, oldest first; nil where there was none (a gap in the sparkline).
    package private(set) var history: [Double?] = []
    private var lastUpdate: Double?

    package init() {}

    /// Adds the value at `time` (seconds).
    package mutating func record(_ value: Double?, at time: Double) {
        current = value
        history.append(value)
        if history.count > Self.historyLength { history.removeFirst(history.count - Self.historyLength) }
        guard let value else { return }
        if let last = lastUpdate, let short = oneMinute, let long = fiveMinutes {
            let elapsed = max(0, time - last)
            oneMinute = short + (1 - exp(-elapsed / Self.shortWindow)) * (value - short)
            fiveMinutes = long + (1 - exp(-elapsed / Self.longWindow)) * (value - long)
        } else {
            oneMinute = value
            fiveMinutes = value
        }
        lastUpdate = time
    }

    /// The largest value in the last `count` entries of the history.
    package func peak(last count: Int) -> Double? {
        Sparkline.peak(history.suffix(count))
    }
}
