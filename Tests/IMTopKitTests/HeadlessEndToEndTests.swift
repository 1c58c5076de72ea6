import Foundation
import IMCore
import IMTopKit
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// `--batch`, `--json`, `--check`, `--record`/`--replay` against an in-process server: the runner in this
/// process with the ticks in the test's hands, and the `imtop` executable for its output and exit codes.
@Suite("imtop batch and check")
struct HeadlessEndToEndTests {
    static var imtop: String { builtExecutable("imtop") }

    @Test func batchLinesCarryRatesConnectionsAppsAndTheWorstStatus() async throws {
        try await withServer { server in
            let alice = try await server.client(uid: 1)
            let bob = try await server.client(uid: 2)
            var options = CommandLineOptions()
            options.servers = [server.adminURL]
            options.json = true
            options.iterations = 2
            options.noDefaultThresholds = true
            options.crit = ["connections=1"]
            let configuration = try options.resolve(environment: [:], outputIsTerminal: false)
            let servers = configuration.servers
            let fetcher = SummaryFetcher(token: "sent-but-not-needed", timeout: .seconds(60))
            let polled = AsyncStream<Void>.makeStream()
            let ticks = AsyncStream<Void>.makeStream()
            let lines = NIOLockedValueBox<[String]>([])
            let runner = Task {
                var runner = HeadlessRunner(configuration: configuration, servers: servers) { line in
                    lines.withLockedValue { $0.append(line) }
                }
                return try await runner.run(
                    poll: {
                        let poll = await fetcher.poll(servers)
                        polled.continuation.yield()
                        return poll
                    },
                    ticker: Ticker {
                        for await _ in ticks.stream { return }
                        throw CancellationError()
                    }
                )
            }
            var polls = polled.stream.makeAsyncIterator()
            _ = await polls.next()  // the baseline
            for number in Int32(1)...10 {
                _ = try await alice.send(peerMessage(1, 2, "m\(number)", msgID: number))
            }
            _ = try await bob.collect(10, .im)
            ticks.continuation.yield()
            _ = await polls.next()
            ticks.continuation.yield()
            let code = try await runner.value
            #expect(code == 2, "the worst status printed: connections 2 > 1 is critical")

            let objects = try lines.withLockedValue { $0 }.map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            try #require(objects.count == 2)
            let first = objects[0]
            #expect(first["schema"] as? String == "imtop/1")
            #expect(first["status"] as? String == "critical")
            #expect(first["nodes_up"] as? Int == 1)
            let cluster = try #require(first["cluster"] as? [String: [String: Any]])
            #expect(cluster["connections"]?["now"] as? Double == 2)
            #expect(cluster["clients"]?["now"] as? Double == 2)
            #expect((cluster["in_rate"]?["now"] as? Double ?? 0) > 0, "10 messages were sent in the interval")
            #expect((cluster["out_rate"]?["now"] as? Double ?? 0) > 0)
            let node = try #require((first["nodes"] as? [[String: Any]])?.first)
            #expect(node["name"] as? String == "node-a")
            #expect(node["state"] as? String == "up")
            let apps = try #require(first["apps"] as? [[String: Any]])
            #expect(apps.first?["appid"] as? Int == 7)
            #expect(apps.first?["client_count"] as? Int == 2)
            let problems = try #require(first["problems"] as? [[String: Any]])
            #expect(problems.first?["figure"] as? String == "connections")
            let second = try #require(objects[1]["cluster"] as? [String: [String: Any]])
            #expect(second["in_rate"]?["now"] as? Double == 0, "nothing was sent in the second interval")
            _ = alice
        }
    }

    @Test(arguments: [
        ([String](), 0, "IMTOP OK - 1/1 nodes up, conns 2"),
        (["--warn", "connections=1"], 1, "IMTOP WARNING - 1/1 nodes up; node-a connections 2 > 1"),
        (["--crit", "clients=1", "--warn", "clients=1"], 2, "IMTOP CRITICAL - 1/1 nodes up; node-a clients 2 > 1"),
        (["--crit", "clients=3:"], 2, "IMTOP CRITICAL - 1/1 nodes up; node-a clients 2 < 3"),
    ])
    func checkExitsWithItsStatus(_ extra: [String], _ code: Int32, _ prefix: String) async throws {
        try await withServer { server in
            let clients = [try await server.client(uid: 1), try await server.client(uid: 2)]
            let output = try await ChildProcess.run(
                Self.imtop,
                ["--check", "--no-default-thresholds", "-d", "0.2", "--timeout", "30", "--server", server.adminURL] + extra
            )
            #expect(output.status == code, "\(output.stdout)\(output.stderr)")
            #expect(output.stdout.hasPrefix(prefix), "\(output.stdout)")
            #expect(output.stdout.contains(" | nodes_up=1;;;0;1 connections=2;"), "performance data: \(output.stdout)")
            #expect(output.stdout.split(separator: "\n").count == 1)
            _ = clients
        }
    }

    @Test func checkIsCriticalForANodeDownAndUnknownForAReplyThatIsNotASummary() async throws {
        try await withServer { server in
            let port = closedPort()
            let down = try await ChildProcess.run(
                Self.imtop,
                [
                    "--check", "--no-default-thresholds", "-d", "0.2", "--timeout", "30", "--server", server.adminURL, "--server",
                    "127.0.0.1:\(port)",
                ]
            )
            #expect(down.status == 2)
            #expect(
                down.stdout.hasPrefix(
                    "IMTOP CRITICAL - 1/2 nodes up; 127.0.0.1:\(port) DOWN: connection refused (never seen)"
                )
            )

            // A path that is not the admin API: 401 without the token, 404 with it (from IMTOP_TOKEN).
            var environment = ProcessInfo.processInfo.environment
            let arguments = [
                "--check", "--no-default-thresholds", "-d", "0.2", "--timeout", "30", "--server",
                server.adminURL + "/elsewhere",
            ]
            let unauthorised = try await ChildProcess.run(Self.imtop, arguments, environment: environment)
            #expect(unauthorised.status == 3, "\(unauthorised.stdout)")
            #expect(unauthorised.stdout.hasPrefix("IMTOP UNKNOWN - 0/1 nodes up; 127.0.0.1:"), "\(unauthorised.stdout)")
            #expect(unauthorised.stdout.contains("/elsewhere: HTTP 401: Authorization: missing"))
            environment["IMTOP_TOKEN"] = TopTestServer.adminToken
            let wrongPath = try await ChildProcess.run(Self.imtop, arguments, environment: environment)
            #expect(wrongPath.status == 3, "\(wrongPath.stdout)")
            #expect(wrongPath.stdout.contains("/elsewhere: HTTP 404"), "\(wrongPath.stdout)")

            let json = try await ChildProcess.run(
                Self.imtop,
                ["--check", "--json", "--no-default-thresholds", "-d", "0.2", "--server", "127.0.0.1:\(port)"]
            )
            #expect(json.status == 2)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["schema"] as? String == "imtop-check/1")
            #expect(object["status"] as? String == "critical")
            #expect(object["exit_code"] as? Int == 2)
        }
    }

    @Test func usageErrorsExit64OrUnknownUnderCheck() async throws {
        let plain = try await ChildProcess.run(Self.imtop, ["-n", "1", "--interval", "soon"])
        #expect(plain.status == 64)
        #expect(plain.stderr.contains("--interval: \"soon\" is not a duration"))
        let check = try await ChildProcess.run(Self.imtop, ["--check", "--interval", "soon"])
        #expect(check.status == 3)
        let parse = try await ChildProcess.run(Self.imtop, ["--check", "--no-such-flag"])
        #expect(parse.status == 3)
        #expect(parse.stderr.contains("no-such-flag"))
        let help = try await ChildProcess.run(Self.imtop, ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("EXIT CODES"))
    }

    @Test func batchRecordsAndTheRecordingReplays() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let recording = directory.file("session.ndjson")
        try await withServer { server in
            // Load from imbench, a process of its own at a steady rate: its sends do not depend on this test
            // process getting its share of a loaded machine.
            let bench = ChildProcess()
            bench.executableURL = URL(fileURLWithPath: builtExecutable("imbench"))
            bench.arguments = [
                "--host", "127.0.0.1", "--port", "\(server.addresses.client.port)", "--admin", server.adminURL,
                "--admin-token", TopTestServer.adminToken, "--clients", "2", "--rate", "200", "--duration", "300s",
                "--progress", "quiet", "--max-lost", "1000000",
            ]
            bench.standardOutput = FileHandle.nullDevice
            bench.standardError = FileHandle.nullDevice
            try bench.run()
            defer {
                kill(bench.processIdentifier, SIGKILL)
                bench.waitUntilExit()
            }
            // Once load is visible on the server, imtop must show a rate for it.
            var connections = 0
            try await eventually("imbench's messages reach the server") {
                let summary = try await server.summary()
                connections = summary["connection_count"] as? Int ?? 0
                return summary["in_message_count"] as? Int ?? 0 > 0 && connections == 2
            }
            let output = try await ChildProcess.run(
                Self.imtop,
                [
                    "-n", "2", "-d", "1", "--timeout", "30", "--no-default-thresholds", "--server", server.adminURL,
                    "--record", recording,
                ]
            )
            #expect(output.status == 0, "\(output.stderr)")
            let lines = output.stdout.split(separator: "\n")
            try #require(lines.count == 3, "a header and two lines: \(output.stdout)")
            #expect(lines[0].hasPrefix("time      nodes  conns clients"))
            let fields = lines[1].split(separator: " ")
            #expect(fields[1] == "1/1")
            #expect(fields[2] == "\(connections)", "connections")
            #expect(fields[5] != "0" && fields[5] != "-", "in/s while sending: \(lines[1])")
            #expect(lines[1].hasSuffix("  ok"))
        }
        let replayed = try await ChildProcess.run(Self.imtop, ["--replay", recording, "--json", "--no-default-thresholds"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        let objects = replayed.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.count == 2, "three recorded polls: a baseline and two lines")
        let rate = (objects.first?["cluster"] as? [String: [String: Any]])?["in_rate"]?["now"] as? Double
        #expect((rate ?? 0) > 0)
        let check = try await ChildProcess.run(Self.imtop, ["--replay", recording, "--check", "--no-default-thresholds"])
        #expect(check.status == 0)
        #expect(check.stdout.hasPrefix("IMTOP OK - 1/1 nodes up"))
    }
}
