/// Parses one setting's `ConfigValue` into its type, and renders it back as a TOML value for
/// `--check-config`.
///
/// TOML values must have the right type (`threads = "4"` is an error); text from env vars and flags is
/// parsed with the same rules, since it has no type of its own.
package struct ValueParser<Value> {
    /// Completes "expected ..." in the error for a value it rejects.
    package let expected: String
    package let parse: (ConfigValue) -> Value?
    /// A TOML value; nil when unset.
    package let render: (Value) -> String?

    package init(expected: String, parse: @escaping (ConfigValue) -> Value?, render: @escaping (Value) -> String?) {
        self.expected = expected
        self.parse = parse
        self.render = render
    }
}

extension ValueParser where Value == String {
    package static var string: Self {
        Self(expected: "a string", parse: { $0.stringValue }, render: { tomlString($0) })
    }

    /// Like `string`, but a text of spaces only is rejected as empty.
    package static var nonEmptyString: Self {
        Self(
            expected: "a non-empty string",
            parse: { value in value.stringValue.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 } },
            render: { tomlString($0) }
        )
    }
}

extension ValueParser {
    /// The same parser for an optional field: a value sets it, and unset renders as nil.
    package func optional() -> ValueParser<Value?> {
        ValueParser<Value?>(
            expected: expected,
            parse: { value in parse(value).map { .some($0) } },
            render: { $0.flatMap(render) }
        )
    }
}

extension ValueParser where Value == Bool {
    /// A TOML boolean, or `true`/`false`/`1`/`0`/`yes`/`no`/`on`/`off` in text.
    package static var boolean: Self {
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
    package static var integer: Self {
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

extension ValueParser where Value == Duration {
    /// A positive duration: seconds as a TOML integer or float, or text like "500ms", "1.5s", "5m", "2h", "30d".
    package static var duration: Self {
        Self(
            expected: "a positive duration (seconds, or a string like \"500ms\", \"1s\", \"5m\", \"1h\")",
            parse: { value in
                let duration: Duration? =
                    switch value {
                    case .integer(let seconds): milliseconds(of: Double(seconds))
                    case .float(let seconds): milliseconds(of: seconds)
                    case .text(let text), .string(let text): parseDuration(text)
                    default: nil
                    }
                return duration.flatMap { $0 > .zero ? $0 : nil }
            },
            render: { tomlString(formatDuration($0)) }
        )
    }

    /// A duration as `duration` takes it, or 0 / "off" for none (`.zero`).
    package static var durationOrOff: Self {
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

    package static func parseDuration(_ text: String) -> Duration? {
        let text = text.trimmingWhitespace.lowercased()
        let unit = durationUnits.first { text.hasSuffix($0.suffix) && Double(text.dropLast($0.suffix.count)) != nil }
        guard let number = Double(text.dropLast(unit?.suffix.count ?? 0)) else { return nil }
        return milliseconds(of: number * (unit?.seconds ?? 1))
    }

    /// Seconds to the millisecond, the finest a setting is written in (so that what `formatDuration`
    /// renders reads back the same); nil beyond ten thousand years, which is enough for any timeout and
    /// keeps `formatDuration`'s Int64 from trapping.
    private static func milliseconds(of seconds: Double) -> Duration? {
        let milliseconds = (seconds * 1000).rounded()
        guard milliseconds.isFinite, abs(milliseconds) < 3e14 else { return nil }
        return .milliseconds(Int64(milliseconds))
    }

    package static func formatDuration(_ duration: Duration) -> String {
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
    package static var size: Self {
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
                for (suffix, shift) in [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)]
                where bytes % (1 << shift) == 0 {
                    return tomlString("\(bytes >> shift)\(suffix)")
                }
                return "\(bytes)"
            }
        )
    }

    /// A size as `size` takes it, or 0 / "off" for none (0).
    package static var sizeOrOff: Self {
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

    package static func parseSize(_ text: String) -> Int? {
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

/// Duration suffixes, smallest first; "ms" is tried before "s" and "m".
private let durationUnits: [(suffix: String, seconds: Double)] = [
    ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
]

/// Size suffixes, largest first; all powers of 1024.
private let sizeUnits: [(suffixes: [String], shift: Int)] = [
    (["tib", "tb", "t"], 40), (["gib", "gb", "g"], 30), (["mib", "mb", "m"], 20), (["kib", "kb", "k"], 10),
    (["b", ""], 0),
]

/// A TOML basic string.
package func tomlString(_ text: String) -> String {
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
    package var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
