import NIOCore
import Testing

@testable import IMBenchKit

@Suite("Option values, payload and report")
struct BenchParsingTests {
    @Test(
        "durations",
        arguments: [
            ("10s", Duration.seconds(10)), ("500ms", .milliseconds(500)), ("250us", .microseconds(250)),
            ("2m", .seconds(120)), ("1.5", .milliseconds(1500)), ("20ms", .milliseconds(20)),
        ]
    )
    func durations(text: String, expected: Duration) {
        #expect(BenchParsing.duration(text) == expected)
    }

    @Test("bad durations", arguments: ["", "ms", "-1s", "ten"])
    func badDurations(text: String) {
        #expect(BenchParsing.duration(text) == nil)
    }

    @Test("source addresses")
    func sources() {
        #expect(BenchParsing.sources("127.0.0.2-127.0.0.4") == ["127.0.0.2", "127.0.0.3", "127.0.0.4"])
        #expect(BenchParsing.sources("127.0.0.1,127.0.0.9") == ["127.0.0.1", "127.0.0.9"])
        #expect(BenchParsing.sources("127.0.0.255-127.0.1.0") == ["127.0.0.255", "127.0.1.0"])
        #expect(BenchParsing.sources("127.0.0.9-127.0.0.2") == nil)
        #expect(BenchParsing.sources("localhost") == nil)
    }

    @Test("payload round trip, padded, inside a message frame")
    func payload() throws {
        let payload = BenchPayload(sender: 42, number: 7, sentAt: 123_456_789)
        var buffer = ByteBuffer()
        BenchFrames.writeMessage(to: &buffer, seq: 3, version: 2, receiver: 43, payload: payload, contentSize: 64)
        #expect(buffer.readableBytes == 12 + 24 + 64)
        buffer.moveReaderIndex(forwardBy: 12)
        let content = try #require(BenchFrames.content(ofMessageBody: buffer, version: 2))
        #expect(content.readableBytes == 64)
        #expect(BenchPayload(content: content) == payload)
        #expect(BenchPayload(content: ByteBuffer(string: "{\"text\":\"hello, world!\"}")) == nil)
    }

    @Test(
        "outcome and exit code",
        arguments: [
            (lost: 0, p99: UInt64(5_000), rate: 1000.0, exit: Int32(0)),
            (lost: 1, p99: 5_000, rate: 1000, exit: 4),
            (lost: 0, p99: 50_000, rate: 1000, exit: 1),
            (lost: 0, p99: 5_000, rate: 10, exit: 1),
            (lost: 2, p99: 50_000, rate: 10, exit: 4),
        ]
    )
    func outcome(lost: Int, p99: UInt64, rate: Double, exit: Int32) {
        var report = BenchReport(scenario: .peer, config: BenchConfiguration().reportConfig)
        report.totals.sent = 100
        report.totals.acked = 100
        report.totals.lost = lost
        report.operations["delivery"] = LatencySummary(count: 100, p50: 1_000, p99: p99, max: p99)
        report.throughput.deliveredPerSecond = rate
        report.evaluate(BenchThresholds(maxP99Microseconds: 20_000, minRate: 100, maxLost: 0))
        #expect(report.outcome.exitCode == exit)
        #expect(report.outcome.passed == (exit == 0))
    }

    @Test("the JSON report names its schema and per-op percentiles")
    func json() throws {
        var report = BenchReport(scenario: .peer, config: BenchConfiguration().reportConfig)
        report.operations["ack"] = LatencySummary(count: 1, p50: 10, p90: 11, p99: 12, p999: 13, max: 14, mean: 10)
        let text = String(decoding: try report.json(), as: UTF8.self)
        #expect(text.contains("\"schema\" : \"imbench/1\""))
        #expect(text.contains("\"p99_9_us\" : 13"))
        #expect(text.contains("\"delivered_per_second\""))
        #expect(text.contains("\"exit_code\" : 0"))
    }
}
