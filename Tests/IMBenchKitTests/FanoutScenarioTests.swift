import Foundation
import Testing

@testable import IMBenchKit

/// The group and room scenarios at small scale against an embedded server.
@Suite("Group and room scenarios end to end", .serialized)
struct FanoutScenarioTests {
    @Test(
        "group (normal and super): every connected member gets every message once, in order",
        arguments: [false, true]
    )
    func group(superGroup: Bool) async throws {
        var configuration = ScenarioTests.configuration(.group)
        configuration.clients = 6
        configuration.senders = 2
        configuration.groupSize = 10
        configuration.superGroup = superGroup
        configuration.messages = 100
        configuration.load = .closed(window: 4)
        let report = await IMBench.run(configuration, log: { _ in })
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.totals.acked == 100)
        // Each sender's 50 messages go to the 5 other connected members.
        #expect(report.totals.expected == 500, "\(report.text)")
        #expect(report.totals.lost == 0 && report.totals.duplicated == 0 && report.totals.reordered == 0)
        #expect(report.operations["first_delivery"]?.count == 100)
        #expect(report.operations["last_delivery"]?.count == 100)
        #expect(report.mainOperation == .lastDelivery)
        #expect(report.config.groupSize == 10 && report.config.superGroup == superGroup)
    }

    @Test("room: every connection in the room gets every message")
    func room() async throws {
        var configuration = ScenarioTests.configuration(.room)
        configuration.clients = 5
        configuration.senders = 1
        configuration.messages = 200
        configuration.load = .open(rate: 400)
        let report = await IMBench.run(configuration, log: { _ in })
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.totals.acked == 200)
        #expect(report.totals.expected == 800)
        #expect(report.totals.delivered == 800 && report.totals.lost == 0)
        #expect(report.operations["last_delivery"]?.count == 200)
    }

    @Test("group with a tokens file and no --group-id is a usage error")
    func groupNeedsAdmin() async throws {
        var configuration = ScenarioTests.configuration(.group)
        configuration.target = .remote(host: "127.0.0.1", port: 1)
        configuration.tokens = .file(path: "/dev/null")
        let report = await IMBench.run(configuration, log: { _ in })
        #expect(report.outcome.exitCode == BenchExitCode.usage)
        #expect(report.outcome.failures.joined().contains("--group-id"))
    }
}
