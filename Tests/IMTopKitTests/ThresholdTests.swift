import Foundation
import IMTopKit
import Testing

@Suite("Thresholds and status")
struct ThresholdTests {
    @Test(arguments: [
        ("fsync_ms", "20", ThresholdRange(high: 20)),
        ("fsync_ms", "500us", ThresholdRange(high: 0.5)),
        ("fsync_ms", "1s", ThresholdRange(high: 1000)),
        ("in_rate", "1.5k", ThresholdRange(high: 1500)),
        ("clients", "100:", ThresholdRange(low: 100)),
        ("clients", "10:2M", ThresholdRange(low: 10, high: 2_000_000)),
        ("clients", "~:5", ThresholdRange(high: 5)),
        ("rss_bytes", "2G", ThresholdRange(high: 2_147_483_648)),
        ("cpu_pct", "80%", ThresholdRange(high: 80)),
    ])
    func rangesParseWithTheFiguresUnits(_ figure: String, _ text: String, _ expected: ThresholdRange) throws {
        #expect(try ThresholdRange.parse(text, for: Figure(rawValue: figure)!) == expected)
    }

    @Test func rangesAlertOutsideTheirBounds() {
        #expect(ThresholdRange(high: 20).isViolated(by: 20.5))
        #expect(!ThresholdRange(high: 20).isViolated(by: 20))
        #expect(ThresholdRange(low: 10).isViolated(by: 9))
        #expect(!ThresholdRange(low: 10, high: 20).isViolated(by: 15))
    }

    @Test(arguments: [
        ("fsnyc_ms=20", "--warn: unknown figure \"fsnyc_ms\""),
        ("fsync_ms", "--warn: \"fsync_ms\" should be FIGURE=RANGE"),
        ("fsync_ms=fast", "--warn: fsync_ms: \"fast\" is not a value for fsync_ms"),
        ("clients=20:10", "--warn: clients: \"20:10\": the low bound is above the high bound"),
    ])
    func badFlagsNameWhatIsWrong(_ assignment: String, _ message: String) {
        var thresholds = Thresholds()
        #expect {
            try thresholds.set(assignment, level: .warning, option: "--warn")
        } throws: { error in
            (error as? IMTopError)?.message.hasPrefix(message) == true
        }
    }

    @Test func aFileSetsBothLevelsAndErrorsNameFileAndLine() throws {
        var thresholds = Thresholds.defaults
        try thresholds.load(
            """
            # figure     warning  critical
            fsync_ms     5        -          # only a warning
            clients      100:     10:
            cpu_pct      -        -
            """,
            file: "t.conf"
        )
        #expect(thresholds.limits[.fsync] == .init(warning: ThresholdRange(high: 5)))
        #expect(
            thresholds.limits[.clients] == .init(warning: ThresholdRange(low: 100), critical: ThresholdRange(low: 10))
        )
        #expect(thresholds.limits[.cpu] == nil, "- - removes a default")
        #expect {
            try thresholds.load("fsync_ms 5 20\nbogus 1 2\n", file: "t.conf")
        } throws: { error in
            (error as? IMTopError)?.message.hasPrefix("t.conf:2: unknown figure \"bogus\"") == true
        }
        #expect {
            try thresholds.load("fsync_ms 5\n", file: "t.conf")
        } throws: { error in
            (error as? IMTopError)?.message == "t.conf:1: expected \"FIGURE WARNING CRITICAL\", got 2 words"
        }
    }

    @Test func theStatusIsTheWorstProblem() {
        let a = "http://a:6666"
        let b = "http://b:6666"
        var thresholds = Thresholds()
        try! thresholds.set("connections=5", level: .warning, option: "--warn")
        try! thresholds.set("connections=8", level: .critical, option: "--crit")
        var model = DashboardModel(servers: [a, b])
        model.ingest(poll(0, [(a, summary(node: "a", [.connections: 1])), (b, summary(node: "b", [.connections: 2]))]))
        #expect(StatusReport(model: model, thresholds: thresholds).status == .ok)
        model.ingest(poll(2, [(a, summary(node: "a", [.connections: 6])), (b, summary(node: "b", [.connections: 2]))]))
        let warning = StatusReport(model: model, thresholds: thresholds)
        #expect(warning.status == .warning)
        #expect(warning.problems.map(\.text) == ["a connections 6 > 5"])
        model.ingest(
            Poll(
                time: 4,
                results: [
                    NodeResult(
                        server: a,
                        time: 4,
                        outcome: .failure(NodeFailure(.badReply, "HTTP 401: wrong admin token"))
                    ),
                    NodeResult(
                        server: b,
                        time: 4,
                        outcome: .summary(summary(node: "b", [.connections: 2]), raw: Data())
                    ),
                ]
            )
        )
        #expect(StatusReport(model: model, thresholds: thresholds).status == .unknown)
        model.ingest(poll(6, [(a, summary(node: "a", [.connections: 9])), (b, nil)]))
        let critical = StatusReport(model: model, thresholds: thresholds)
        #expect(critical.status == .critical)
        #expect(critical.status.exitCode == 2)
        #expect(
            critical.problems.map(\.text) == ["b DOWN: connection refused (last seen 2s ago)", "a connections 9 > 8"]
        )
    }
}
