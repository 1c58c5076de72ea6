import IMCore
import Logging

/// Parses one setting's `ConfigValue` into its type, and renders it back as a TOML value for
/// `--check-config`.
///
/// TOML values must have the right type (`threads = "4"` is an error); text from env vars and flags is
/// parsed with the same rules, since it has no type of its own.
struct ValueParser<Value> {
    /// Completes "expected ..." in the error for a value it rejects.
    let expected: String
    let parse: (ConfigValue) -> Value?
    /// A TOML value; nil when unset.
    let render: (Value) -> String?
}

extension ValueParser where Value == String {
    static var string: Self {
        Self(expected: "a string", parse: { $0.stringValue }, render: { tomlString($0) })
    }

    /// Like `string`, but a text of spaces only is rejected as empty.
    static var nonEmptyString: Self {
        Self(
            expected: "a non-empty string",
            parse: { value in value.stringValue.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 } },
            render: { tomlString($0) }
        )
    }
}

extension ValueParser {
    /// The same parser for an optional field: a value sets it, and unset renders as nil.
    func optional() -> ValueParser<Value?> {
        ValueParser<Value?>(
            expected: expected,
            parse: { value in parse(value).map { .some($0) } },
            render: { $0.flatMap(render) }
        )
    }
}

extension ValueParser where Value == Bool {
    /// A TOML boolean, or `true`/`false`/`1`/`0`/`yes`/`no`/`on`/`off` in text.
    static var boolean: Self {
        Self(
            expected: "a boolean (true or false)",
            parse: { value in
                switch value {
                case .boolean(let flag): flag
                case .text(let text):
                    switch text.trimmingWhitespace.lowercased() {
                    case "true", "1", "yes", "on": true
                    case "false", "0", "no", "off": false
                    default: nil
                    }
                default: nil
                }
            },
            render: { "\($0)" }
        )
    }
}

extension ValueParser where Value: FixedWidthInteger {
    /// An integer: a TOML integer, or decimal digits in text.
    static var integer: Self {
        Self(
            expected: "an integer",
            parse: { value in
                switch value {
                case .integer(let number): Value(exactly: number)
                case .text(let text): Value(text.trimmingWhitespace)
                default: nil
                }
            },
            render: { "\($0)" }
        )
    }
}

extension ValueParser where Value == IMServerConfiguration.Endpoint {
    static var endpoint: Self {
        Self(
            expected: "HOST:PORT (like \"0.0.0.0:23000\" or \"[::1]:23000\")",
            parse: { value in value.stringValue.flatMap(parseEndpoint) },
            render: { tomlString($0.description) }
        )
    }

    fileprivate static func parseEndpoint(_ text: String) -> Value? {
        guard let endpoint = Value(parsing: text), !endpoint.host.contains(where: \.isWhitespace) else { return nil }
        return endpoint
    }
}

extension ValueParser where Value == IMServerConfiguration.Endpoint? {
    /// An endpoint, or "off" to disable the listener.
    static var optionalEndpoint: Self {
        Self(
            expected: "HOST:PORT (like \"127.0.0.1:6666\") or \"off\"",
            parse: { value in
                guard let text = value.stringValue else { return nil }
                if text == "off" { return .some(nil) }
                return ValueParser<IMServerConfiguration.Endpoint>.parseEndpoint(text).map { .some($0) }
            },
            render: { tomlString($0?.description ?? "off") }
        )
    }
}

extension ValueParser where Value == Duration {
    /// A positive duration: seconds as a TOML integer or float, or text like "500ms", "1.5s", "5m", "2h", "30d".
    static var duration: Self {
        Self(
            expected: "a positive duration (seconds, or a string like \"500ms\", \"1s\", \"5m\", \"1h\")",
            parse: { value in
                let duration: Duration? =
                    switch value {
                    case .integer(let seconds): .seconds(seconds)
                    case .float(let seconds) where seconds.isFinite && abs(seconds) < 3e11: .seconds(seconds)
                    case .text(let text), .string(let text): parseDuration(text)
                    default: nil
                    }
                return duration.flatMap { $0 > .zero ? $0 : nil }
            },
            render: { tomlString(formatDuration($0)) }
        )
    }

    /// A duration as `duration` takes it, or 0 / "off" for none (`.zero`).
    static var durationOrOff: Self {
        Self(
            expected: "a duration (seconds, or a string like \"500ms\", \"10s\"), or \"off\"",
            parse: { value in
                switch value {
                case .integer(0): return .zero
                case .text(let text), .string(let text):
                    if ["off", "0"].contains(text.trimmingWhitespace.lowercased()) { return .zero }
                default: break
                }
                return duration.parse(value)
            },
            render: { $0 == .zero ? tomlString("off") : duration.render($0) }
        )
    }

    static func parseDuration(_ text: String) -> Duration? {
        let text = text.trimmingWhitespace.lowercased()
        let unit = durationUnits.first { text.hasSuffix($0.suffix) && Double(text.dropLast($0.suffix.count)) != nil }
        guard let number = Double(text.dropLast(unit?.suffix.count ?? 0)) else { return nil }
        let milliseconds = (number * (unit?.seconds ?? 1) * 1000).rounded()
        // Ten thousand years is enough for any timeout and keeps Int64 from trapping.
        guard milliseconds.isFinite, abs(milliseconds) < 3e14 else { return nil }
        return .milliseconds(Int64(milliseconds))
    }

    static func formatDuration(_ duration: Duration) -> String {
        let milliseconds = duration / .milliseconds(1)
        guard milliseconds == milliseconds.rounded() else { return "\(duration / .seconds(1))s" }
        let whole = Int64(milliseconds)
        for (suffix, seconds) in durationUnits.reversed() {
            let size = Int64(seconds * 1000)
            if whole % size == 0 { return "\(whole / size)\(suffix)" }
        }
        return "\(whole)ms"
    }
}

extension ValueParser where Value == Int {
    /// A positive byte count: a TOML integer, or text like "4096", "512KiB", "64MiB", "1GiB" (K, M, G and
    /// the KiB forms are all powers of 1024).
    static var size: Self {
        Self(
            expected: "a positive size in bytes (an integer, or a string like \"64MiB\")",
            parse: { value in
                let size: Int? =
                    switch value {
                    case .integer(let bytes): bytes
                    case .text(let text), .string(let text): parseSize(text)
                    default: nil
                    }
                return size.flatMap { $0 > 0 ? $0 : nil }
            },
            render: { bytes in
                for (suffix, shift) in [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes % (1 << shift) == 0 {
                    return tomlString("\(bytes >> shift)\(suffix)")
                }
                return "\(bytes)"
            }
        )
    }

    /// A size as `size` takes it, or 0 / "off" for none (0).
    static var sizeOrOff: Self {
        Self(
            expected: "a size in bytes (an integer, or a string like \"64MiB\", \"10GiB\"), or \"off\"",
            parse: { value in
                switch value {
                case .integer(0): return 0
                case .text(let text), .string(let text):
                    if ["off", "0"].contains(text.trimmingWhitespace.lowercased()) { return 0 }
                default: break
                }
                return size.parse(value)
            },
            render: { $0 == 0 ? tomlString("off") : size.render($0) }
        )
    }

    static func parseSize(_ text: String) -> Int? {
        let text = text.trimmingWhitespace.lowercased()
        for (suffixes, shift) in sizeUnits {
            for suffix in suffixes where text.hasSuffix(suffix) {
                guard let number = Int(text.dropLast(suffix.count).trimmingWhitespace) else { continue }
                let (bytes, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
                return overflow ? nil : bytes
            }
        }
        return nil
    }
}

extension ValueParser where Value == IMServerConfiguration.FsyncPolicy {
    static var fsync: Self {
        Self(
            expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "),
            parse: { value in value.stringValue.flatMap { Value(rawValue: $0) } },
            render: { tomlString($0.rawValue) }
        )
    }
}

extension ValueParser where Value == IMServerConfiguration.Replication.Mode {
    static var replicationMode: Self {
        Self(
            expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "),
            parse: { value in value.stringValue.flatMap { Value(rawValue: $0) } },
            render: { tomlString($0.rawValue) }
        )
    }
}

extension ValueParser where Value == Logger.Level {
    /// A swift-log level; GoBelieve's "warn" reads as warning.
    static var logLevel: Self {
        Self(
            expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "),
            parse: { value in value.stringValue.flatMap { $0 == "warn" ? .warning : Value(rawValue: $0) } },
            render: { tomlString($0.rawValue) }
        )
    }
}

/// Duration suffixes, smallest first; "ms" is tried before "s" and "m".
private let durationUnits: [(suffix: String, seconds: Double)] = [
    ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
]

/// Size suffixes, largest first; all powers of 1024.
private let sizeUnits: [(suffixes: [String], shift: Int)] = [
    (["tib", "tb", "t"], 40), (["gib", "gb", "g"], 30), (["mib", "mb", "m"], 20), (["kib", "kb", "k"], 10), (["b", ""], 0),
]

/// A TOML basic string.
func tomlString(_ text: String) -> String {
    var quoted = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case "\n": quoted += "\\n"
        case "\t": quoted += "\\t"
        case "\r": quoted += "\\r"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            quoted +=
                "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                + String(scalar.value, radix: 16)
        default: quoted.unicodeScalars.append(scalar)
        }
    }
    return quoted + "\""
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

extension ValueParser where Value == [IMTransport: IMServerConfiguration.Endpoint] {
    /// `TRANSPORT=HOST:PORT` pairs separated by commas (`tcp=im1.example.com:23000,ws=im1.example.com:13891`);
    /// an empty string advertises the listen addresses.
    static var advertise: Self {
        Self(
            expected: "TRANSPORT=HOST:PORT,... with transports tcp, tls, ws, wss (like \"tcp=im1.example.com:23000\")",
            parse: { value in
                guard let text = value.stringValue else { return nil }
                var addresses: Value = [:]
                for pair in text.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace }
                    guard parts.count == 2, let transport = IMTransport(rawValue: parts[0]),
                        addresses[transport] == nil,
                        let endpoint = ValueParser<IMServerConfiguration.Endpoint>.parseEndpoint(parts[1])
                    else { return nil }
                    addresses[transport] = endpoint
                }
                return addresses
            },
            render: { addresses in
                addresses.isEmpty
                    ? nil
                    : tomlString(
                        IMTransport.allCases.compactMap { t in addresses[t].map { "\(t)=\($0)" } }.joined(separator: ",")
                    )
            }
        )
    }
}
