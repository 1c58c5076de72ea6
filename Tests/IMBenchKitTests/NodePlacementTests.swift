import Foundation
import IMCore
import Testing

@testable import IMBenchKit

/// Where each user connects in a cluster: `--nodes` (pairs together, or apart with `--cross-node`; other
/// scenarios round robin) and `--lookup` (wherever the server sends each user).
@Suite("Node placement")
struct NodePlacementTests {
    static let nodes = [IMServerConfiguration.Endpoint(host: "10.0.0.1", port: 23000), .init(host: "10.0.0.2", port: 23000)]

    static func placed(_ scenario: BenchScenarioKind, crossNode: Bool) async throws -> [Int64: IMServerConfiguration.Endpoint] {
        var configuration = BenchConfiguration()
        configuration.scenario = scenario
        configuration.nodes = nodes
        configuration.crossNode = crossNode
        let users = (1...8).map { BenchUser(uid: Int64($0), token: "t\($0)") }
        let pairs = ConnectionSpec.pairs(of: users, senderIndex: { 2 * $0 }, receiverIndex: { 2 * $0 + 1 })
        let specs = try await NodePlacement(configuration: configuration, users: users).place(pairs.senders + pairs.receivers)
        return Dictionary(uniqueKeysWithValues: specs.map { ($0.user.uid, $0.node!) })
    }

    @Test func peerPairsShareANodeUnlessCrossNodeAndEveryNodeIsUsed() async throws {
        let together = try await Self.placed(.peer, crossNode: false)
        let apart = try await Self.placed(.peer, crossNode: true)
        for sender in stride(from: Int64(1), through: 7, by: 2) {
            #expect(together[sender] == together[sender + 1], "pair \(sender) on one node")
            #expect(apart[sender] != apart[sender + 1], "pair \(sender) on two nodes")
        }
        #expect(Set(together.values) == Set(Self.nodes) && Set(apart.values) == Set(Self.nodes))
        let group = try await Self.placed(.group, crossNode: false)
        #expect(group.values.filter { $0 == Self.nodes[0] }.count == 4, "round robin")
    }

    @Test func lookupSendsEachUserWhereTheServerSays() async throws {
        let server = try await EmbeddedServer.start(fsync: .none, threads: 1, transport: .tcp)
        var configuration = ScenarioTests.configuration(.peer)
        configuration.messages = 100
        // No host: the run asks /lookup for the first user, and every user for itself.
        configuration.target = .remote(host: "", port: 0)
        configuration.lookupURL = server.adminURL
        configuration.adminToken = server.adminToken
        configuration.tokens = .admin(url: server.adminURL, token: server.adminToken)
        let report = await IMBench.run(configuration, log: { _ in })
        await server.stop()
        #expect(report.outcome.exitCode == 0, "\(report.text)")
        #expect(report.totals.acked == 100 && report.totals.lost == 0)
        #expect(report.server.address.contains("/lookup"))
    }
}
