import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `LogHandler` that writes one line per event:
/// `2026-11-21T10:00:00.123Z info im: listening client=0.0.0.0:23000 key=value`.
///
/// UTC timestamps with milliseconds, then the level, the logger's label, the message and the metadata
/// sorted by key (values with spaces quoted), so `grep` and `awk` work on the log.
package struct LineLogHandler: LogHandler {
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let output: LogOutput

    /// - Parameters:
    ///   - label: The logger's label, written on every line.
    ///   - output: Where lines go.
    ///   - level: The lowest level written.
    ///   - metadataProvider: Adds contextual metadata, as `LoggingSystem.bootstrap` passes it.
    package init(
        label: String,
        output: LogOutput,
        level: Logger.Level,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.output = output
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        output.write(
            Self.format(
                timestamp: Self.now(),
                level: event.level,
                label: label,
                message: "\(event.message)",
                metadata: merged
            )
        )
    }

    /// One line, newline included.
    package static func format(
        timestamp: timespec,
        level: Logger.Level,
        label: String,
        message: String,
        metadata: Logger.Metadata
    ) -> String {
        var line = formatTimestamp(timestamp) + " " + level.rawValue + " " + label + ": " + message
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " " + key + "=" + quoted("\(value)")
        }
        return line + "\n"
    }

    /// `2026-11-21T10:00:00.123Z`.
    package static func formatTimestamp(_ time: timespec) -> String {
        var seconds = time.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "."
            + pad(Int32(time.tv_nsec / 1_000_000), 3) + "Z"
    }

    private static func now() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }

    /// Values with spaces, quotes or `=` are quoted so a line splits unambiguously; newlines are escaped.
    private static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        guard needsQuotes else { return value }
        var escaped = "\""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r", "\r\n": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return escaped + "\""
    }
}
