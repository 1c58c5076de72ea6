import Foundation

/// Parsers for the option values imbench's flags take (kept here so they are unit-tested).
package enum BenchParsing {
    /// `1.5s`, `500ms`, `250us`/`250µs`, `2m`, or a bare number of seconds.
    package static func duration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60)]
        var number = Substring(text.trimmingCharacters(in: .whitespaces))
        var scale = 1.0
        for (suffix, factor) in units where number.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        return .nanoseconds(Int64((value * scale * 1e9).rounded()))
    }

    /// `127.0.0.2-127.0.0.9` (a range within one /24), a comma-separated list, or one address.
    package static func sources(_ text: String) -> [String]? {
        var result: [String] = []
        for part in text.split(separator: ",") {
            let range = part.split(separator: "-")
            if range.count == 1 {
                guard parseIPv4(String(range[0])) != nil else { return nil }
                result.append(String(range[0]))
            } else if range.count == 2, let low = parseIPv4(String(range[0])), let high = parseIPv4(String(range[1])),
                low <= high, high - low < 65536
            {
                for value in low...high {
                    result.append("\(value >> 24).\((value >> 16) & 255).\((value >> 8) & 255).\(value & 255)")
                }
            } else {
                return nil
            }
        }
        return result.isEmpty ? nil : result
    }

    private static func parseIPv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let byte = UInt8(octet) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    /// Nanoseconds in `duration`.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
