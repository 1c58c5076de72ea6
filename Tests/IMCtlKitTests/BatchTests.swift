import Foundation
import IMAdminClient
import IMCore
import IMCtlKit
import Testing

@Suite("imctl batch")
struct BatchTests {
    static let mixed =
        [
            #"{"command":"post system","appid":7,"receivers":[2,3],"content":"maintenance","id":"a"}"#,
            "",
            #"{"command":"post system", oops"#,
            #"{"command":"user teleport","appid":7,"uid":1}"#,
            #"{"command":"user latest","appid":7,"uid":2,"limit":0,"id":5}"#,
            #"{"command":"user kick","appid":7,"uid":2,"id":"kick"}"#,
            #"{"command":"user mute","appid":7}"#,
            #"{"command":"user offline-count","appid":7,"uid":3}"#,
        ].joined(separator: "\n") + "\n"

    @Test(arguments: [1, 4])
    func aMixOfGoodAndBadLinesGetsOneResultEachInOrder(concurrency: Int) async throws {
        try await withServer { server in
            let io = IMCtlIO.capturing(stdin: Self.mixed)
            let outcome = await IMCtlBatch.run(
                connection: try server.connection(),
                verbose: false,
                concurrency: concurrency,
                stopOnError: false,
                io: io
            )
            let results = try io.stdout.split(separator: "\n").map { try IMJSON(parsing: String($0)) }
            #expect(results.map { $0["line"] } == [1, 3, 4, 5, 6, 7, 8])
            #expect(results.map { $0["ok"] } == [true, false, false, false, true, false, true])
            #expect(results.map { $0["id"] } == ["a", nil, nil, 5, "kick", nil, nil])
            #expect(results.map { $0["error"]?["code"] } == [nil, "usage", "usage", "refused", nil, "usage", nil])
            #expect(results[1]["error"]?["message"]?.stringValue?.hasPrefix("line 3: not JSON") == true)
            #expect(results[2]["error"]?["message"]?.stringValue?.hasPrefix("line 4: command: unknown command") == true)
            #expect(results[3]["error"]?["message"]?.stringValue?.hasSuffix("limit: must be in 1...10000") == true)
            #expect(results[5]["error"]?["message"] == "line 7: uid: missing")
            #expect(results[4]["data"] == ["kicked": 0])
            if concurrency == 1 {
                // Concurrent lines run in any order; one at a time, line 8 runs after line 1.
                #expect(results[6]["data"] == ["count": 1], "line 1's system message reached user 3")
            }
            #expect(outcome == IMCtlBatch.Outcome(succeeded: 3, failed: 4, exitCode: .usage, stopped: false))
            #expect(io.stderr.isEmpty)
        }
    }

    @Test func stopOnErrorStopsReadingAfterTheFirstFailure() async throws {
        try await withServer { server in
            let lines = [
                #"{"command":"user mute","appid":7,"uid":1}"#,
                #"{"command":"user latest","appid":7,"uid":1,"limit":0}"#,
                #"{"command":"user mute","appid":7,"uid":2}"#,
                #"{"command":"user mute","appid":7,"uid":3}"#,
            ]
            let io = IMCtlIO.capturing(stdin: lines.joined(separator: "\n"))
            let outcome = await IMCtlBatch.run(
                connection: try server.connection(),
                verbose: false,
                concurrency: 1,
                stopOnError: true,
                io: io
            )
            let results = try io.stdout.split(separator: "\n").map { try IMJSON(parsing: String($0)) }
            #expect(results.map { $0["line"] } == [1, 2])
            #expect(outcome == IMCtlBatch.Outcome(succeeded: 1, failed: 1, exitCode: .refused, stopped: true))
            let (_, online) = try await server.json(IMCtlOp.UserOnline(appid: 7, uids: [1, 2, 3]))
            #expect(
                online["data"]?.arrayValue?.map { $0["forbidden"] } == [true, false, false],
                "lines 3 and 4 never ran"
            )
        }
    }

    @Test func manyLinesConcurrentlyKeepTheirOrder() async throws {
        try await withServer { server in
            let count = 300
            let input = (1...count).map {
                #"{"command":"post peer","appid":7,"sender":1,"receiver":2,"content":"m\#($0)","id":\#($0)}"#
            }
            .joined(separator: "\n")
            let io = IMCtlIO.capturing(stdin: input)
            let outcome = await IMCtlBatch.run(
                connection: try server.connection(),
                verbose: false,
                concurrency: 16,
                stopOnError: false,
                io: io
            )
            #expect(outcome == IMCtlBatch.Outcome(succeeded: count, failed: 0, exitCode: .ok, stopped: false))
            let results = try io.stdout.split(separator: "\n").map { try IMJSON(parsing: String($0)) }
            #expect(results.map { $0["id"]?.intValue } == (1...count).map { Int64($0) })
            let (_, stored) = try await server.json(IMCtlOp.UserOfflineCount(appid: 7, uid: 2))
            #expect(stored["data"] == ["count": .int(Int64(count))])
        }
    }

    @Test func aBadTokenFailsEveryLineWithExitFour() async throws {
        try await withServer { server in
            let io = IMCtlIO.capturing(stdin: #"{"command":"summary"}"# + "\n" + #"{"command":"store stats"}"#)
            let outcome = await IMCtlBatch.run(
                connection: try server.connection(["--token-file", "/dev/null"]),
                verbose: false,
                concurrency: 2,
                stopOnError: false,
                io: io
            )
            #expect(outcome.exitCode == .usage, "an empty token file is a usage error before anything is sent")
            #expect(io.stderr.contains("the token file /dev/null is empty"))

            let wrong = IMCtlIO.capturing(stdin: #"{"command":"summary"}"# + "\n" + #"{"command":"store stats"}"#)
            let denied = await IMCtlBatch.run(
                connection: try server.connection([]),
                verbose: false,
                concurrency: 2,
                stopOnError: false,
                io: wrong
            )
            let results = try wrong.stdout.split(separator: "\n").map { try IMJSON(parsing: String($0)) }
            // /summary needs no token; /store/stats does.
            #expect(results.map { $0["ok"] } == [true, false])
            #expect(results[1]["error"]?["code"] == "auth_failed")
            #expect(denied.exitCode == .authFailed)
        }
    }

    @Test func theExecutableRunsABatchFromStdin() async throws {
        try await withServer { server in
            let result = try await Imctl.run(
                ["batch", "--concurrency", "3"],
                environment: ["IMCTL_SERVER": server.url, "IMCTL_TOKEN": CtlServer.adminToken],
                stdin: Self.mixed
            )
            #expect(result.status == 2, "the first failed line (3) is a usage error")
            let results = try result.stdout.split(separator: "\n").map { try IMJSON(parsing: String($0)) }
            #expect(results.map { $0["line"] } == [1, 3, 4, 5, 6, 7, 8])
            #expect(results.map { $0["ok"] } == [true, false, false, false, true, false, true])

            let clean = try await Imctl.run(
                ["batch"],
                environment: ["IMCTL_SERVER": server.url, "IMCTL_TOKEN": CtlServer.adminToken],
                stdin: #"{"command":"user kick","appid":7,"uid":9}"# + "\n"
            )
            #expect(clean.status == 0)
            #expect(clean.stdout == #"{"data":{"kicked":0},"error":null,"line":1,"ok":true}"# + "\n")
        }
    }
}
