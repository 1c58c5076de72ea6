/// The values of a figure that raise an alert, in the Nagios plugins' range syntax.
///
/// `20` alerts above 20; `10:` alerts below 10; `10:20` alerts outside 10…20; `~:20` is the same as `20`.
/// Values may carry the figure's units: `1.5k`, `2G` (sizes are binary), `500us`, `80%`.
package struct ThresholdRange: Sendable, Equatable, CustomStringConvertible {
    /// Alert when the value is below `low` or above `high`.
    package var low: Double?
    package var high: Double?

    package init(low: Double? = nil, high: Double? = nil) {
        self.low = low
        self.high = high
    }

    package func isViolated(by value: Double) -> Bool {
        if let low, value < low { return true }
        if let high, value > high { return true }
        return false
    }

    package var description: String {
        switch (low, high) {
        case (nil, let high?): "\(Self.plain(high))"
        case (let low?, nil): "\(Self.plain(low)):"
        case (let low?, let high?): "\(Self.plain(low)):\(Self.plain(high))"
        case (nil, nil): "-"
        }
    }

    /// How the range reads in a sentence: "> 20", "< 10", "outside 10:20".
    package var violationText: String {
        switch (low, high) {
        case (nil, let high?): "> \(Self.plain(high))"
        case (let low?, nil): "< \(Self.plain(low))"
        default: "outside \(description)"
        }
    }

    /// Parses a range for `figure`; nil for "-" or "none" (no threshold).
    ///
    /// - Throws: a message naming the bad part (the caller adds where it came from).
    package static func parse(_ text: String, for figure: Figure) throws(IMTopError) -> ThresholdRange? {
        if text == "-" || text.lowercased() == "none" { return nil }
        guard let colon = text.firstIndex(of: ":") else { return ThresholdRange(high: try value(text, figure)) }
        let lowText = String(text[..<colon])
        let highText = String(text[text.index(after: colon)...])
        let low = lowText == "~" || lowText.isEmpty ? nil : try value(lowText, figure)
        let high = highText.isEmpty ? nil : try value(highText, figure)
        if low == nil && high == nil { throw IMTopError.usage("\"\(text)\" has no bound") }
        if let low, let high, low > high {
            throw IMTopError.usage("\"\(text)\": the low bound is above the high bound")
        }
        return ThresholdRange(low: low, high: high)
    }

    /// A number with the figure's units.
    static func value(_ text: String, _ figure: Figure) throws(IMTopError) -> Double {
        let suffixes: [(String, Double)]
        switch figure.unit {
        case .count, .perSecond: suffixes = [("k", 1e3), ("K", 1e3), ("M", 1e6), ("G", 1e9)]
        case .bytes:
            let (kibi, mebi, gibi, tebi) = (1024.0, 1_048_576.0, 1_073_741_824.0, 1_099_511_627_776.0)
            suffixes = [
                ("KiB", kibi), ("MiB", mebi), ("GiB", gibi), ("TiB", tebi), ("K", kibi), ("M", mebi), ("G", gibi),
                ("T", tebi), ("B", 1),
            ]
        case .milliseconds: suffixes = [("ms", 1), ("us", 0.001), ("µs", 0.001), ("s", 1000)]
        case .percent: suffixes = [("%", 1)]
        }
        var number = Substring(text)
        var multiplier = 1.0
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            multiplier = factor
            break
        }
        guard let value = Double(number), value.isFinite else {
            let examples =
                switch figure.unit {
                case .count, .perSecond: "e.g. 500, 1.5k, 2M"
                case .bytes: "e.g. 512M, 2G"
                case .milliseconds: "in ms, e.g. 20, 500us, 1s"
                case .percent: "e.g. 80 or 80%"
                }
            throw IMTopError.usage("\"\(text)\" is not a value for \(figure.rawValue) (\(examples))")
        }
        return value * multiplier
    }

    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
