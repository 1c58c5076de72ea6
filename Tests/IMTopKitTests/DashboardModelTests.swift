import Foundation
import IMTopKit
import Testing

@Suite("DashboardModel")
struct DashboardModelTests {
    let a = "http://a:6666"
    let b = "http://b:6666"

    @Test func ratesComeFromCounterDifferencesOverTime() {
        var model = DashboardModel(servers: [a])
        model.ingest(
            poll(10, [(a, summary([.inMessages: 100, .outMessages: 300, .storeAppends: 50, .connections: 7]))])
        )
        let node = model.nodes[0]
        #expect(node[.inRate] == nil, "one sample has no rate")
        #expect(node[.connections] == 7, "gauges show at once")
        model.ingest(poll(12, [(a, summary(uptime: 102, [.inMessages: 300, .outMessages: 700, .storeAppends: 150]))]))
        #expect(model.nodes[0][.inRate] == 100)
        #expect(model.nodes[0][.outRate] == 200)
        #expect(model.nodes[0][.appendRate] == 50)
        #expect(model.nodes[0].figures[.inRate]?.sinceStart == 300.0 / 102, "since start = counter / uptime")
    }

    @Test(arguments: [
        ("a counter goes backwards", summary(uptime: 5, [.inMessages: 10, .outMessages: 20])),
        ("started_at changes", summary(startedAt: 2_000, uptime: 5, [.inMessages: 600, .outMessages: 900])),
        ("node_id changes", summary(node: "other", uptime: 102, [.inMessages: 600, .outMessages: 900])),
    ])
    func aRestartIsMarkedAndGivesNoRate(_ what: String, _ after: NodeSummary) {
        var model = DashboardModel(servers: [a])
        model.ingest(poll(10, [(a, summary([.inMessages: 100, .outMessages: 200]))]))
        model.ingest(poll(12, [(a, summary(uptime: 102, [.inMessages: 500, .outMessages: 800]))]))
        #expect(model.nodes[0][.inRate] == 200)
        model.ingest(poll(14, [(a, after)]))
        let node = model.nodes[0]
        #expect(node.restartedThisPoll, "\(what)")
        #expect(node.restarts == 1)
        #expect(node[.inRate] == nil, "no negative (or bogus) rate across a restart: \(what)")
        #expect(node.recentlyRestarted(now: 14 + NodeState.restartMarkSeconds - 1))
        #expect(!node.recentlyRestarted(now: 14 + NodeState.restartMarkSeconds))
        // The next sample of the new process has a rate again.
        let next = after[.inMessages]! + 40
        model.ingest(
            poll(
                16,
                [
                    (
                        a,
                        summary(
                            node: after.nodeID!,
                            startedAt: after[.startedAt]!,
                            uptime: 107,
                            [.inMessages: next, .outMessages: 2000]
                        )
                    )
                ]
            )
        )
        #expect(model.nodes[0][.inRate] == 20)
        #expect(!model.nodes[0].restartedThisPoll)
    }

    @Test func movingAveragesFollowTheRateWithTimeWeights() throws {
        var model = DashboardModel(servers: [a])
        var counter = 0.0
        for step in 0...30 {
            model.ingest(poll(Double(step) * 2, [(a, summary(uptime: 100 + Double(step) * 2, [.inMessages: counter]))]))
            counter += 200  // 100 messages/s
        }
        let steady = try #require(model.nodes[0].figures[.inRate])
        #expect(steady.current == 100)
        #expect(steady.oneMinute == 100)
        #expect(steady.fiveMinutes == 100)
        // The rate doubles for one 2 s interval.
        counter += 200
        model.ingest(poll(62, [(a, summary(uptime: 162, [.inMessages: counter]))]))
        let series = try #require(model.nodes[0].figures[.inRate])
        #expect(series.current == 200)
        let expectedShort = 100 + (1 - exp(-2.0 / 60)) * 100
        let expectedLong = 100 + (1 - exp(-2.0 / 300)) * 100
        #expect(abs(series.oneMinute! - expectedShort) < 1e-9)
        #expect(abs(series.fiveMinutes! - expectedLong) < 1e-9)
        #expect(series.history.suffix(2) == [100, 200])
    }

    @Test func aNodeThatStopsAnsweringIsDownWithItsLastSeenTimeAndComesBack() throws {
        var model = DashboardModel(servers: [a])
        model.ingest(poll(10, [(a, summary([.inMessages: 100]))]))
        model.ingest(poll(12, [(a, summary(uptime: 102, [.inMessages: 300]))]))
        model.ingest(poll(14, [(a, nil)]))
        model.ingest(poll(16, [(a, nil)]))
        let down = model.nodes[0]
        #expect(down.status == .down(NodeFailure(.unreachable, "connection refused"), since: 14))
        #expect(down.lastSeen == 12)
        #expect(down[.inRate] == nil)
        #expect(model.nodesUp == 0)
        #expect(down.figures[.inRate]?.history.suffix(3) == [100, nil, nil], "a gap in the sparkline")
        #expect(down.figures[.inRate]?.oneMinute == 100, "averages keep their last value while down")
        // Back, same process: the rate spans the outage.
        model.ingest(poll(18, [(a, summary(uptime: 108, [.inMessages: 900]))]))
        #expect(model.nodes[0].isUp)
        #expect(model.nodes[0][.inRate] == 100)
        #expect(model.nodes[0].restarts == 0)
    }

    @Test func theClusterSumsNodesThatAnswerAndWeighsFsyncByCount() throws {
        var model = DashboardModel(servers: [a, b])
        let fsyncA: [SummaryField: Double] = [.storeFsyncs: 100, .storeAverageFsyncMicroseconds: 1000]
        let fsyncB: [SummaryField: Double] = [.storeFsyncs: 10, .storeAverageFsyncMicroseconds: 2000]
        model.ingest(
            poll(
                0,
                [
                    (
                        a,
                        summary(
                            node: "a",
                            fsyncA.merging([.inMessages: 0, .connections: 5, .cpuSeconds: 0, .cpuCount: 2]) { $1 }
                        )
                    ),
                    (
                        b,
                        summary(
                            node: "b",
                            fsyncB.merging([.inMessages: 0, .connections: 3, .cpuSeconds: 0, .cpuCount: 1]) { $1 }
                        )
                    ),
                ]
            )
        )
        // a: 300 more fsyncs averaging 2 ms now (total 100 ms + 600 ms); b: 100 more averaging 5 ms.
        model.ingest(
            poll(
                10,
                [
                    (
                        a,
                        summary(
                            node: "a",
                            uptime: 110,
                            [
                                .storeFsyncs: 400, .storeAverageFsyncMicroseconds: 700_000.0 / 400, .inMessages: 1000,
                                .connections: 6, .cpuSeconds: 10, .cpuCount: 2,
                            ]
                        )
                    ),
                    (
                        b,
                        summary(
                            node: "b",
                            uptime: 110,
                            [
                                .storeFsyncs: 110, .storeAverageFsyncMicroseconds: 520_000.0 / 110, .inMessages: 500,
                                .connections: 4, .cpuSeconds: 2, .cpuCount: 1,
                            ]
                        )
                    ),
                ]
            )
        )
        #expect(model.nodes[0][.fsync]! == 2)
        #expect(abs(model.nodes[1][.fsync]! - 5) < 1e-9)
        let weighted: Double = (600_000.0 + 500_000) / 400 / 1000
        let clusterFsync = try #require(model.cluster[.fsync]?.current)
        #expect(abs(clusterFsync - weighted) < 1e-9, "weighted by fsyncs")
        #expect(model.cluster[.inRate]?.current == 150)
        #expect(model.cluster[.connections]?.current == 10)
        #expect(model.nodes[0][.cpu] == 50, "10 CPU seconds in 10 s on 2 cores")
        #expect(model.nodes[1][.cpu] == 20)
        #expect(model.cluster[.cpu]?.current == 35, "the mean of the nodes")
        // b goes down: the cluster is what answers.
        model.ingest(poll(20, [(a, summary(node: "a", uptime: 120, [.inMessages: 1500, .connections: 6])), (b, nil)]))
        #expect(model.cluster[.connections]?.current == 6)
        #expect(model.cluster[.inRate]?.current == 50)
        #expect(model.nodesUp == 1)
    }

    @Test func appsAreSummedOverNodesAndStayAtZeroWhenEveryoneLeaves() throws {
        var model = DashboardModel(servers: [a, b])
        model.ingest(
            poll(
                0,
                [
                    (
                        a,
                        summary(
                            node: "a",
                            [.clients: 3],
                            apps: [7: .init(clients: 2, users: 1), 8: .init(clients: 1, users: 1)]
                        )
                    ),
                    (b, summary(node: "b", [.clients: 2], apps: [7: .init(clients: 2, users: 2)])),
                ]
            )
        )
        #expect(model.hasAppFigures)
        let seven = try #require(model.apps[7])
        #expect((seven.clients, seven.users, seven.nodes) == (4, 3, 2))
        #expect(model.sortedApps(by: .clients).map(\.appID) == [7, 8])
        model.ingest(
            poll(
                2,
                [
                    (a, summary(node: "a", [.clients: 2], apps: [7: .init(clients: 2, users: 1)])),
                    (b, summary(node: "b", [.clients: 2], apps: [7: .init(clients: 2, users: 2)])),
                ]
            )
        )
        #expect(model.apps[8]?.clients == 0)
        #expect(model.apps[8]?.series.history == [1, 0])
    }

    @Test func sortingPutsNodesWithoutTheFigureLast() {
        var model = DashboardModel(servers: [a, b, "http://c:6666"])
        model.ingest(
            poll(
                0,
                [
                    (a, summary(node: "a", [.connections: 1])), (b, summary(node: "b", [.connections: 9])),
                    ("http://c:6666", nil),
                ]
            )
        )
        #expect(model.sortedNodes(by: .connections).map(\.name) == ["b", "a", "c:6666"])
        #expect(model.sortedNodes(by: .connections, reversed: true).map(\.name) == ["a", "b", "c:6666"])
        #expect(model.sortedNodes(by: .node).map(\.name) == ["a", "b", "c:6666"])
    }

    @Test func aDiscoveredNodeJoinsAfterTheGivenOnesAndLeavesWhenNoLongerPolled() {
        var model = DashboardModel(servers: [a])
        model.ingest(poll(0, [(a, summary(node: "a"))]))
        model.ingest(poll(2, [(a, summary(node: "a")), (b, summary(node: "b", [.connections: 3]))]))
        #expect(model.nodes.map(\.server) == [a, b])
        #expect(model.nodes[1][.connections] == 3)
        #expect(model.nodesUp == 2)
        // A given server stays when a round misses it; a discovered one leaves.
        model.ingest(poll(4, []))
        #expect(model.nodes.map(\.server) == [a])
    }

    @Test func twoServersReportingOneNodeIDAreToldApart() {
        var model = DashboardModel(servers: [a, b])
        model.ingest(poll(0, [(a, summary(node: "im-1")), (b, summary(node: "im-1"))]))
        #expect(Set(model.displayNames.values) == ["im-1@a:6666", "im-1@b:6666"])
    }

    @Test func aGoBelieveSummaryIsReadWithTheFieldsItHas() throws {
        let json =
            #"{"goroutine_count":12,"connection_count":3,"client_count":2,"clientset_count":2,"in_message_count":40,"out_message_count":80}"#
        let summary = try NodeSummary(data: Data(json.utf8))
        #expect(summary.nodeID == nil)
        #expect(summary[.connections] == 3)
        #expect(summary[.threads] == 12)
        #expect(summary[.rssBytes] == nil)
        #expect(!summary.reportsApps)
        #expect(throws: NodeFailure.self) { try NodeSummary(data: Data(#"{"status":"ok"}"#.utf8)) }
        #expect(throws: NodeFailure.self) { try NodeSummary(data: Data("<html>".utf8)) }
    }
}
