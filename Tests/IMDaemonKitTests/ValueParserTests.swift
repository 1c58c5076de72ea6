import IMConfigFile
import IMCore
import Testing

@testable import IMDaemonKit

@Suite("Value parsers")
struct ValueParserTests {
    @Test(arguments: [
        ("1s", Duration.seconds(1)), ("500ms", .milliseconds(500)), ("1.5s", .milliseconds(1500)),
        ("5m", .seconds(300)), ("2h", .seconds(7200)), ("360", .seconds(360)), (" 10S ", .seconds(10)),
        ("30d", .seconds(30 * 86_400)),
    ])
    func durations(text: String, duration: Duration) {
        #expect(ValueParser<Duration>.duration.parse(.text(text)) == duration)
    }

    @Test(arguments: ["", "s", "soon", "-1s", "0", "1w", "1e300s", "nan"])
    func badDurations(text: String) {
        #expect(ValueParser<Duration>.duration.parse(.text(text)) == nil)
    }

    /// TOML numbers of seconds are read to the millisecond and within ten thousand years, as text is: what
    /// `--check-config` renders reads back the same (found by Fuzz/FuzzConfig: `timeout = 9223372036854775807`
    /// trapped when rendered, `timeout = 0.0001` rendered as "0.0001s", which read back as zero).
    @Test(arguments: [
        (ConfigValue.integer(Int.max), nil), (.integer(300_000_000_000), nil), (.float(-1), nil),
        (.float(0.0004), nil), (.float(0.0015), Duration.milliseconds(2)), (.integer(86_400), .seconds(86_400)),
        (.float(.infinity), nil),
    ])
    func durationsFromTOMLNumbers(value: ConfigValue, duration: Duration?) throws {
        let parser = ValueParser<Duration>.duration
        #expect(parser.parse(value) == duration)
        if let duration {
            let rendered = try #require(parser.render(duration))
            let file = try ConfigFile(path: "rendered.toml", text: "timeout = \(rendered)", sections: [])
            #expect(file.values["timeout"].flatMap(parser.parse) == duration)
        }
    }

    @Test(arguments: [
        (Duration.seconds(1), "1s"), (.milliseconds(1500), "1500ms"), (.seconds(360), "6m"), (.seconds(7200), "2h"),
        (.seconds(90), "90s"), (.seconds(86_400), "1d"),
    ])
    func durationsRenderAsTheyParse(duration: Duration, text: String) {
        #expect(ValueParser<Duration>.formatDuration(duration) == text)
        #expect(ValueParser<Duration>.parseDuration(text) == duration)
    }

    @Test(arguments: [
        ("4096", 4096), ("512KiB", 512 << 10), ("64MiB", 64 << 20), ("64M", 64 << 20), ("1gb", 1 << 30),
        ("100b", 100), ("8 MiB", 8 << 20), ("2TiB", 2 << 40),
    ])
    func sizes(text: String, bytes: Int) {
        #expect(ValueParser<Int>.size.parse(.text(text)) == bytes)
        #expect(ValueParser<Int>.size.parse(.string(text)) == bytes)
    }

    @Test(arguments: ["", "MiB", "1.5M", "-1", "0", "99999999999999999G", "lots"])
    func badSizes(text: String) {
        #expect(ValueParser<Int>.size.parse(.text(text)) == nil)
    }

    @Test func integersFromTOMLMustBeIntegers() {
        #expect(ValueParser<Int>.integer.parse(.integer(4)) == 4)
        #expect(ValueParser<Int>.integer.parse(.text("4")) == 4)
        #expect(ValueParser<Int>.integer.parse(.string("4")) == nil)
        #expect(ValueParser<Int64>.integer.parse(.integer(Int.max)) == Int64.max)
        #expect(ValueParser<Int32>.integer.parse(.integer(Int.max)) == nil)
    }

    @Test(arguments: [
        ("0.0.0.0:23000", "0.0.0.0", 23000), (":23000", "0.0.0.0", 23000), ("[::1]:6666", "::1", 6666),
        ("localhost:0", "localhost", 0),
    ])
    func endpoints(text: String, host: String, port: Int) {
        #expect(
            ValueParser<IMServerConfiguration.Endpoint>.endpoint.parse(.text(text)) == .init(host: host, port: port)
        )
    }

    @Test(arguments: ["23000", "host:", "host:65536", "host:-1", "a b:1", ""])
    func badEndpoints(text: String) {
        #expect(ValueParser<IMServerConfiguration.Endpoint>.endpoint.parse(.text(text)) == nil)
    }

    @Test func tomlStringsEscape() {
        #expect(tomlString("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
    }
}
