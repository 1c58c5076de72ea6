import Foundation

/// Unix times as people read them: local clock time for screens and lines, UTC ISO 8601 for JSON.
package enum TimeText {
    /// "12:03:04", local time.
    package static func clock(_ time: Double) -> String {
        let parts = local(time)
        return pad(parts.tm_hour) + ":" + pad(parts.tm_min) + ":" + pad(parts.tm_sec)
    }

    /// "2024-05-01 12:03:04", local time.
    package static func dateAndClock(_ time: Double) -> String {
        let parts = local(time)
        return "\(parts.tm_year + 1900)-" + pad(parts.tm_mon + 1) + "-" + pad(parts.tm_mday) + " " + clock(time)
    }

    /// "2024-05-01T12:03:04.123Z".
    package static func iso8601(_ time: Double) -> String {
        var seconds = time_t(time.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(((time - time.rounded(.down)) * 1000).rounded(.down))
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-" + pad(parts.tm_mon + 1) + "-" + pad(parts.tm_mday) + "T" + pad(parts.tm_hour)
            + ":" + pad(parts.tm_min) + ":" + pad(parts.tm_sec) + "." + fraction + "Z"
    }

    private static func local(_ time: Double) -> tm {
        var seconds = time_t(time.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return parts
    }

    private static func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
