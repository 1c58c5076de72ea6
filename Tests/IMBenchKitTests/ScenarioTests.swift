import Foundation
import IMCore
import Testing

@testable import IMBenchKit

/// Every scenario at small scale against an embedded server, in process, over real sockets.
@Suite("Scenarios end to end", .serialized)
struct ScenarioTests {
    static func configuration(_ scenario: BenchScenarioKind) -> BenchConfiguration {
        var configuration = BenchConfiguration()
        configuration.scenario = scenario
        configuration.target = .embedded(fsync: .none, threads: 1)
        configuration.threads = 1
        configuration.clients = 8
        // Runs with a message count end when the count is reached; the duration only bounds a slow machine.
        configuration.duration = .seconds(60)
        configuration.warmup = .zero
        configuration.messages = 400
        configuration.drainTimeout = .seconds(30)
        return configuration
    }

    @Test("peer, closed loop: every message ACKed and delivered once, in order")
    func peerClosedLoop() async throws {
        var configuration = Self.configuration(.peer)
        configuration.load = .closed(window: 4)
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("imbench-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        configuration.jsonPath = json
        let report = await IMBench.run(configuration, log: { _ in })
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.totals.sent == 400)
        #expect(report.totals.acked == 400)
        #expect(report.totals.expected == 400)
        #expect(report.totals.delivered + report.totals.recoveredBySync == 400)
        #expect(report.totals.lost == 0 && report.totals.duplicated == 0 && report.totals.reordered == 0)
        #expect(report.operations["ack"]?.count == 400)
        #expect(report.operations["connect"]?.count == 8)
        #expect(report.operations["auth"]?.count == 8)
        #expect(report.server.rssBytesAfter ?? 0 > 0)
        #expect(report.server.cpuPercent != nil)
        #expect(report.server.samples?.allSatisfy { $0["generator_cpu_seconds"] != nil } == true)
        #expect(report.operations["send_lag"] == nil)
        #expect(report.totals.lateSendBoundMicroseconds == nil)
        let object =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect(object?["schema"] as? String == "imbench/1")
    }

    @Test("peer, open loop: sends at the rate for the duration")
    func peerOpenLoop() async throws {
        var configuration = Self.configuration(.peer)
        configuration.messages = nil
        configuration.load = .open(rate: 400)
        configuration.duration = .seconds(1)
        let report = await IMBench.run(configuration, log: { _ in })
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect((380...420).contains(report.totals.sent), "\(report.text)")
        #expect(report.totals.lost == 0)
        #expect(report.operations["delivery"]?.count ?? 0 > 0)
        // Every send's lag is in the distribution (no warm-up here); lateness has a documented bound.
        #expect(report.operations["send_lag"]?.count == report.totals.sent)
        #expect(report.totals.lateSendBoundMicroseconds == 2000)
        #expect(report.text.contains("late sends \(report.totals.lateSends) (> 2.00ms after the intended time)"))
    }

    @Test("multidevice: every device of the receiver and the sender's other device get every message")
    func multidevice() async throws {
        var configuration = Self.configuration(.multidevice)
        configuration.devices = 2
        configuration.messages = 100
        let report = await IMBench.run(configuration, log: { _ in })
        // 8 clients / (2 devices + 2) = 2 pairs; each message goes to 2 + 1 devices.
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.totals.acked == 100)
        #expect(report.totals.expected == 300)
        #expect(report.totals.lost == 0)
    }

    @Test("offline: receivers sync everything sent while they were away")
    func offline() async throws {
        var configuration = Self.configuration(.offline)
        configuration.messages = 200
        let report = await IMBench.run(configuration, log: { _ in })
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.totals.acked == 200)
        #expect(report.totals.recoveredBySync == 200)
        #expect(report.totals.delivered == 0)
        #expect(report.operations["sync"]?.count == 4)
    }

    @Test("connections: holds authenticated connections, pings, and measures server memory")
    func connections() async throws {
        var configuration = Self.configuration(.connections)
        configuration.clients = 50
        configuration.duration = .milliseconds(500)
        configuration.pingInterval = .milliseconds(100)
        configuration.sources = ["127.0.0.1", "127.0.0.2"]
        let report = await IMBench.run(configuration, log: { _ in })
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.totals.connections == 50)
        #expect(report.operations["auth"]?.count == 50)
        #expect(report.operations["ping"]?.count ?? 0 >= 50)
        #expect(report.server.bytesPerConnection != nil)
        #expect(report.throughput.connectionsPerSecond > 0)
    }

    @Test("thresholds fail the run with exit 1; a bad option is exit 2; no server is exit 3")
    func exitCodes() async throws {
        var strict = Self.configuration(.peer)
        strict.messages = 50
        strict.thresholds = BenchThresholds(maxP99Microseconds: 1, minRate: 1e9)
        let failed = await IMBench.run(strict, log: { _ in })
        #expect(failed.outcome.exitCode == 1, "\(failed.text)")
        #expect(failed.outcome.failures.count == 2)

        var usage = Self.configuration(.peer)
        usage.clients = 1
        #expect(await IMBench.run(usage, log: { _ in }).outcome.exitCode == 2)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imbench-tokens-\(UUID())").path
        try (1...8).map { "\($0) uid:\($0)" }.joined(separator: "\n").write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        var unreachable = Self.configuration(.peer)
        unreachable.target = .remote(host: "127.0.0.1", port: 1)
        unreachable.tokens = .file(path: path)
        let refused = await IMBench.run(unreachable, log: { _ in })
        #expect(refused.outcome.exitCode == 3, "\(refused.text)")
        #expect(refused.outcome.failures.first?.contains("connection refused") == true, "\(refused.text)")
    }

    @Test(
        "every transport against the embedded server: every message ACKed and delivered once, in order",
        arguments: IMTransport.allCases
    )
    func peerOverEveryTransport(transport: IMTransport) async throws {
        var configuration = Self.configuration(.peer)
        configuration.transport = transport
        configuration.load = .closed(window: 4)
        configuration.messages = 200
        let report = await IMBench.run(configuration, log: { _ in })
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.config.transport == transport.rawValue)
        #expect(report.totals.acked == 200)
        #expect(report.totals.delivered + report.totals.recoveredBySync == 200)
        #expect(report.totals.lost == 0 && report.totals.duplicated == 0 && report.totals.reordered == 0)
        #expect(report.text.contains("over \(transport.rawValue)"))
    }

    @Test("tls against a server whose certificate the generator does not trust fails to connect (exit 3)")
    func untrustedCertificate() async throws {
        let server = try await EmbeddedServer.start(fsync: .none, threads: 1, transport: .tls)
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("imbench-ca-\(UUID()).pem").path
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        var configuration = Self.configuration(.peer)
        configuration.clients = 2
        configuration.messages = 10
        configuration.transport = .tls
        configuration.target = .remote(host: "127.0.0.1", port: server.addresses.tls!.port)
        configuration.tokens = .admin(url: server.adminURL, token: server.adminToken)
        // The system's roots do not include the throwaway CA.
        let refused = await IMBench.run(configuration, log: { _ in })
        // Trusting its CA (--ca-file) or nothing (--tls-insecure) works.
        var trusted: [BenchReport] = []
        if (try? server.certificateAuthority!.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8))
            != nil
        {
            for trust in [BenchConfiguration.TLSTrust.caFile(caFile), .unverified] {
                configuration.tlsTrust = trust
                trusted.append(await IMBench.run(configuration, log: { _ in }))
            }
        }
        await server.stop()
        #expect(refused.outcome.exitCode == 3, "\(refused.text)")
        #expect(trusted.count == 2)
        for report in trusted {
            #expect(report.outcome.exitCode == 0, "\(report.text)")
            #expect(report.totals.acked == 10)
        }
    }

    @Test("a remote server driven from a tokens file")
    func tokensFile() async throws {
        let server = try await EmbeddedServer.start(fsync: .none, threads: 1)
        let users = try await TokenProvisioner.issue(
            count: 4,
            uidBase: 500,
            appID: 1,
            url: server.adminURL,
            adminToken: server.adminToken
        )
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imbench-tokens-\(UUID())").path
        try ("# uid token\n" + users.map { "\($0.uid) \($0.token)" }.joined(separator: "\n"))
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = Self.configuration(.peer)
        configuration.clients = 4
        configuration.messages = 100
        configuration.target = .remote(host: "127.0.0.1", port: server.addresses.client.port)
        configuration.tokens = .file(path: path)
        let report = await IMBench.run(configuration, log: { _ in })
        await server.stop()
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.totals.acked == 100 && report.totals.lost == 0)
    }
}
