import Foundation
import IMCore
import IMTopKit
import Testing

/// imtop given one node of a cluster shows every node: the others come from `/nodes` (their admin
/// addresses), a node that stops shows DOWN as dead in its cluster, and `--no-discover` keeps to the
/// servers given. Two servers on a real PostgreSQL.
@Suite("imtop finds a cluster's nodes", .enabled(if: TestPostgres.enabled))
struct ClusterDiscoveryTests {
    @Test func oneNodeGivenShowsEveryNodeAndAStoppedOneIsDown() async throws {
        try await TestPostgres.withDatabase { url in
            let cluster: (inout IMServerConfiguration) -> Void = {
                $0.postgres.url = url
                $0.postgres.timeout = .seconds(60)
            }
            try await withServer(nodeID: "top-a", configure: cluster) { a in
                let fetcher = SummaryFetcher(token: TopTestServer.adminToken, timeout: .seconds(30))
                let poller = ClusterPoller(servers: [a.adminURL], fetcher: fetcher, discover: true)
                let given = ClusterPoller(servers: [a.adminURL], fetcher: fetcher, discover: false)
                var model = DashboardModel(servers: [a.adminURL])
                let b = try await withServer(nodeID: "top-b", configure: cluster) { b in
                    // Node b is listed once it registered and published its admin address.
                    var found = false
                    for _ in 0..<1200 where !found {
                        let poll = await poller.poll()
                        model.ingest(poll)
                        #expect(poll.results.count <= 2)
                        found = poll.results.count == 2 && poll.results[1].summary?.nodeID == "top-b"
                        if !found { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    try #require(found, "node b is polled within 2 minutes")
                    #expect(model.nodes.map(\.server) == [a.adminURL, b.adminURL])
                    #expect(model.nodes.map(\.name) == ["top-a", "top-b"])
                    #expect(model.nodesUp == 2)
                    #expect(await given.poll().results.map(\.server) == [a.adminURL])
                    return b.adminURL
                }
                // Stopped gracefully, b ended its lease: `/nodes` lists it dead, and it stays on the
                // dashboard, DOWN, without being asked.
                var reason = ""
                for _ in 0..<1200 {
                    let poll = await poller.poll()
                    model.ingest(poll)
                    #expect(poll.results.map(\.server) == [a.adminURL, b])
                    if case .failure(let failure)? = poll.results.last?.outcome, failure.message.hasPrefix("dead") {
                        reason = failure.message
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(reason.hasPrefix("dead in its cluster: last heartbeat"))
                #expect(model.nodes.map(\.server) == [a.adminURL, b])
                #expect(model.nodesUp == 1)
            }
        }
    }
}
