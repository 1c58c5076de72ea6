import IMAdminClient
import IMCtlKit
import Testing

@Suite("imctl output")
struct RendererTests {
    static let rows: [IMJSON] = [
        ["id": 12, "sender": 1, "content": "hello, \"world\"", "timestamp": 0],
        ["id": 13, "sender": 22, "content": .string(String(repeating: "x", count: 70)), "timestamp": 86_400],
    ]
    static let columns = [
        IMCtlColumn("ID", "id"), IMCtlColumn("SENDER", "sender"), IMCtlColumn("TIME", "timestamp", .time),
        IMCtlColumn("CONTENT", "content", .truncated(20)),
    ]

    @Test func tablesAlignAndTruncate() {
        let text = IMCtlRenderer.text(.table(Self.columns, Self.rows))
        #expect(
            text == """
                ID  SENDER  TIME                  CONTENT
                12  1       1970-01-01 00:00:00Z  hello, "world"
                13  22      1970-01-02 00:00:00Z  xxxxxxxxxxxxxxxxxxx…

                """
        )
        #expect(IMCtlRenderer.text(.table(Self.columns, [])) == "(none)\n")
    }

    @Test func csvQuotesAndKeepsWholeValues() {
        let csv = IMCtlRenderer.csv(.table(Self.columns, Self.rows))
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "ID,SENDER,TIME,CONTENT")
        #expect(lines[1] == #"12,1,1970-01-01 00:00:00Z,"hello, ""world""""#)
        #expect(lines[2] == "13,22,1970-01-02 00:00:00Z," + String(repeating: "x", count: 70))
        #expect(IMCtlRenderer.csv(.message("a,b")) == "value\r\n\"a,b\"\r\n")
    }

    @Test func recordsFlattenNestedObjects() {
        let record: IMJSON = ["b": 2, "a": ["y": true, "x": [1, 2]], "s": "t"]
        #expect(IMCtlRenderer.text(.record(record)) == "a.x  1,2\na.y  true\nb    2\ns    t\n")
        #expect(IMCtlRenderer.csv(.record(record)) == "key,value\r\na.x,\"1,2\"\r\na.y,true\r\nb,2\r\ns,t\r\n")
    }

    @Test func ndjsonAndTheEnvelope() {
        #expect(IMCtlRenderer.ndjson([["a": 1], ["a": 2]]) == "{\"a\":1}\n{\"a\":2}\n")
        #expect(IMCtlRenderer.ndjson(["a": 1]) == "{\"a\":1}\n")
        #expect(IMCtlRenderer.ndjson(.null) == "")
        let failure = IMCtlFailure(code: "refused", message: "m", status: 400, exitCode: .refused)
        #expect(
            IMCtlRenderer.envelope(data: .null, failure: failure).encoded()
                == #"{"data":null,"error":{"code":"refused","message":"m","status":400},"ok":false}"#
        )
        #expect(IMCtlRenderer.envelope(data: [1], failure: nil).encoded() == #"{"data":[1],"error":null,"ok":true}"#)
    }

    @Test func exitCodesFollowTheErrorKind() {
        let expected: [IMAdminError.Kind: IMCtlExitCode] = [
            .unreachable: .unreachable, .timeout: .unreachable, .authFailed: .authFailed, .refused: .refused,
            .badResponse: .refused, .invalidConfiguration: .usage,
        ]
        for kind in IMAdminError.Kind.allCases { #expect(IMCtlExitCode(kind) == expected[kind], "\(kind)") }
    }

    @Test func healthJudgesTheSummary() {
        let health: IMJSON = ["status": "ok", "node_id": "im-1", "version": "0.1.0"]
        func summary(failures: Int64 = 0, corrupt: Int64 = 0, files: Int64 = 10, connections: Int64 = 5) -> IMJSON {
            [
                "connection_count": .int(connections), "clientset_count": 4, "uptime_seconds": 7300,
                "store_failure_count": .int(failures),
                "process": ["rss_bytes": 1_048_576, "open_files": .int(files), "max_open_files": 100],
                "store": ["failed_appends": 0, "corrupt_records": .int(corrupt), "unreadable_entries": 0],
            ]
        }
        let ok = IMCtlHealth.evaluate(health: .success(health), summary: .success(summary()), thresholds: .init())
        #expect(ok.status == .ok)
        #expect(
            ok.line
                == "IM OK - im-1 0.1.0, up 2h 1m, 5 connections, 4 users | connections=5;;;0 users=4;;;0 rss=1048576B;;;0 open_files=10;;;0;100 store_failures=0;;1;0"
        )
        var limits = IMCtlHealth.Thresholds()
        limits.warningConnections = 5
        limits.criticalConnections = 10
        let cases: [(IMJSON, IMCtlHealth.Thresholds, IMCtlHealth.Status, String)] = [
            (summary(failures: 2), .init(), .critical, "the store failed to write (2 failures"),
            (summary(corrupt: 1), .init(), .warning, "1 corrupt or unreadable store records"),
            (summary(files: 85), .init(), .warning, "85 of 100 open files"),
            (summary(files: 96), .init(), .critical, "96 of 100 open files"),
            (summary(), limits, .warning, "5 connections >= 5"),
            (summary(connections: 10), limits, .critical, "10 connections >= 10"),
        ]
        for (data, thresholds, status, message) in cases {
            let report = IMCtlHealth.evaluate(health: .success(health), summary: .success(data), thresholds: thresholds)
            #expect(report.status == status, "\(message)")
            #expect(report.line.hasPrefix("IM \(status.name) - \(message)"), "\(report.line)")
        }
        let down = IMCtlHealth.evaluate(
            health: .failure(
                IMAdminError(.unreachable, "connection refused", server: "http://x:1", request: "GET /health")
            ),
            summary: nil,
            thresholds: .init()
        )
        #expect(down.status == .critical)
        #expect(down.line == "IM CRITICAL - http://x:1: GET /health: cannot connect: connection refused")
        let sick = IMCtlHealth.evaluate(health: .success(["status": "starting"]), summary: nil, thresholds: .init())
        #expect(sick.status == .critical)
        let blind = IMCtlHealth.evaluate(
            health: .success(health),
            summary: .failure(IMAdminError(.refused, "boom", status: 404)),
            thresholds: .init()
        )
        #expect(blind.status == .unknown)
    }
}
