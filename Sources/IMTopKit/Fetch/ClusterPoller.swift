import Foundation
import IMAdminAPI
import Synchronization

/// The servers imtop polls: those given and, unless `--no-discover`, the other nodes of their clusters.
///
/// After each round, the first given server that answered and is a node of a cluster (`/summary` has
/// `cluster`) is asked `GET /nodes` (with the admin token): every node listed with an admin address
/// (`admin`) that no given server already is (by node id, or by address) is polled from the next round
/// on, and dropped once `/nodes` no longer lists it. A node listed dead (its lease ran out) is not asked:
/// it shows DOWN with its last heartbeat's age, for `forgetDeadAfter` (a node taken out of service stays
/// in `nodes`; it is not down for ever). When no given server answers, the last list stays.
package final class ClusterPoller: Sendable {
    /// A node `/nodes` named.
    struct Discovered: Sendable, Equatable {
        var server: String
        var nodeID: String
        /// Seconds since its last heartbeat when it is dead; nil while it is live.
        var deadFor: Double?
    }

    /// How long after its last heartbeat a dead node still shows.
    package static let forgetDeadAfter = 600.0

    private let given: [String]
    private let fetcher: SummaryFetcher
    private let discover: Bool
    private let discovered = Mutex<[Discovered]>([])

    package init(servers: [String], fetcher: SummaryFetcher, discover: Bool) {
        given = servers
        self.fetcher = fetcher
        self.discover = discover
    }

    /// One round: the given servers, then the discovered nodes (by node id).
    package func poll() async -> Poll {
        let others = discovered.withLock { $0 }
        let live = others.filter { $0.deadFor == nil }.map(\.server)
        let round = await fetcher.poll(given + live)
        var results = Array(round.results.prefix(given.count))
        var answers = round.results.dropFirst(given.count).makeIterator()
        for node in others {
            if let deadFor = node.deadFor {
                let failure = NodeFailure(.unreachable, "dead in its cluster: last heartbeat \(Int(deadFor)) s ago")
                results.append(NodeResult(server: node.server, time: round.time, outcome: .failure(failure)))
            } else if let answer = answers.next() {
                results.append(answer)
            }
        }
        let poll = Poll(time: round.time, results: results)
        if discover { await learn(from: poll) }
        return poll
    }

    /// Reads `/nodes` from the first given server that answered as a cluster node.
    private func learn(from poll: Poll) async {
        let answered = poll.results.prefix(given.count).compactMap { result in
            result.summary.map { (result.server, $0) }
        }
        guard let (server, _) = answered.first(where: { $0.1.inCluster }) else { return }
        guard let nodes = try? await fetcher.nodes(server) else { return }
        let givenIDs = Set(answered.compactMap(\.1.nodeID))
        let givenServers = Set(given)
        var list: [Discovered] = []
        for node in nodes where !givenIDs.contains(node.nodeID) {
            if node.state == .dead, node.heartbeatAgeSeconds > Self.forgetDeadAfter { continue }
            guard let admin = node.admin, let address = try? ServerAddress.normalise(admin),
                !givenServers.contains(address)
            else { continue }
            list.append(
                Discovered(
                    server: address,
                    nodeID: node.nodeID,
                    deadFor: node.state == .dead ? node.heartbeatAgeSeconds : nil
                )
            )
        }
        discovered.withLock { $0 = list.sorted { $0.nodeID < $1.nodeID } }
    }
}
