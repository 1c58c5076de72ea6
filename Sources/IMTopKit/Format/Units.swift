import Foundation

/// How figures are written for people: at most four characters of digits with k/M/G, binary sizes,
/// µs/ms/s latencies, compact durations. Columns stay aligned because every result is short.
package struct Units: Sendable {
    /// Whether "µ" may be written (else "u").
    package var unicode: Bool

    package init(unicode: Bool) {
        self.unicode = unicode
    }

    /// A count: as is below 10,000, then 12.3k, 123k, 1.23M, ...
    package func count(_ value: Double) -> String {
        if value < 0 { return "-" + count(-value) }
        if value < 10_000 { return String(Int(value.rounded())) }
        return Self.scaled(value, base: 1000, suffixes: ["k", "M", "G", "T", "P"])
    }

    /// A rate per second: one decimal below 10 ("0.5", "4.2"), else like `count`.
    package func rate(_ value: Double) -> String {
        if value < 0 { return "-" + rate(-value) }
        if value == 0 { return "0" }
        if value < 9.95 { return String(format: "%.1f", value) }
        return count(value)
    }

    /// Bytes in binary units as top writes them: 512B, 812K, 420M, 1.23G.
    package func bytes(_ value: Double) -> String {
        if value < 1024 { return "\(Int(value.rounded()))B" }
        return Self.scaled(value, base: 1024, suffixes: ["K", "M", "G", "T", "P"], threshold: 1024)
    }

    /// A latency given in milliseconds: 120µs, 1.23ms, 12.3ms, 123ms, 1.23s.
    package func milliseconds(_ value: Double) -> String {
        if value < 0.9995 {
            return "\(Int((value * 1000).rounded()))\(unicode ? "µs" : "us")"
        }
        if value < 999.5 { return Self.threeDigits(value) + "ms" }
        return Self.threeDigits(value / 1000) + "s"
    }

    /// A percentage: 43%, 4.5%.
    package func percent(_ value: Double) -> String {
        value < 9.95 && value > 0 ? String(format: "%.1f%%", value) : "\(Int(value.rounded()))%"
    }

    /// A duration: 45s, 12m03s, 5h02m, 3d04h.
    package func duration(seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        let (days, hours, minutes, secs) = (total / 86_400, total / 3600 % 24, total / 60 % 60, total % 60)
        if days > 0 { return "\(days)d" + Self.twoDigits(hours) + "h" }
        if hours > 0 { return "\(hours)h" + Self.twoDigits(minutes) + "m" }
        if minutes > 0 { return "\(minutes)m" + Self.twoDigits(secs) + "s" }
        return "\(secs)s"
    }

    /// A figure in its unit.
    package func format(_ value: Double, _ unit: Figure.Unit) -> String {
        switch unit {
        case .count: count(value)
        case .perSecond: rate(value)
        case .milliseconds: milliseconds(value)
        case .bytes: bytes(value)
        case .percent: percent(value)
        }
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// 1.23, 12.3 or 123 (three significant digits, no more than four characters).
    private static func threeDigits(_ value: Double) -> String {
        if value < 9.995 { return String(format: "%.2f", value) }
        if value < 99.95 { return String(format: "%.1f", value) }
        return String(format: "%.0f", value)
    }

    private static func scaled(_ value: Double, base: Double, suffixes: [String], threshold: Double = 10_000) -> String
    {
        var scaled = value
        var index = -1
        while (index < 0 ? scaled >= threshold : scaled >= 999.5) && index < suffixes.count - 1 {
            scaled /= base
            index += 1
        }
        guard index >= 0 else { return String(Int(value.rounded())) }
        return threeDigits(scaled) + suffixes[index]
    }
}
