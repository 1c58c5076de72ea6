import Foundation

/// Durations as imctl takes them: `90` (seconds), `500ms`, `30s`, `5m`, `2h`, `7d`.
package enum IMCtlDuration {
    /// Parses `text`; nil if it is not a positive duration of one of the forms above.
    package static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard !digits.isEmpty, let value = Double(digits), value > 0, value.isFinite else { return nil }
        let unit = trimmed.dropFirst(digits.count)
        let seconds: Double
        switch unit {
        case "", "s": seconds = value
        case "ms": seconds = value / 1000
        case "m": seconds = value * 60
        case "h": seconds = value * 3600
        case "d": seconds = value * 86400
        default: return nil
        }
        guard seconds < 1e12 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Whole seconds, rounded up (a token's ttl).
    package static func wholeSeconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds + (attoseconds > 0 ? 1 : 0)
    }

    /// `10s`, `1.5s`, `250ms`.
    package static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) + Double(attoseconds) / 1e18
        if total < 1 { return "\(Int((total * 1000).rounded()))ms" }
        if total.rounded() == total { return "\(Int(total))s" }
        return "\((total * 10).rounded() / 10)s"
    }
}

/// A batch line's duration: a number of seconds or a duration string (`"1h"`).
package struct IMCtlSeconds: Sendable, Hashable, Decodable {
    /// Whole seconds.
    package var seconds: Int64

    /// A duration of `seconds`.
    package init(_ seconds: Int64) {
        self.seconds = seconds
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Int64.self) {
            self.seconds = seconds
        } else if let text = try? container.decode(String.self), let duration = IMCtlDuration.parse(text) {
            self.seconds = IMCtlDuration.wholeSeconds(duration)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "must be seconds or a duration like \"90s\", \"1h\", \"7d\""
            )
        }
    }
}
