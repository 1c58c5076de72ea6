/// The dashboard's state: every node's figures and the cluster's, built from polls. Pure: time comes from
/// the polls, so the same polls (live or replayed) always give the same state.
package struct DashboardModel: Sendable {
    /// Who is online in one app across the cluster.
    package struct AppState: Sendable {
        package let appID: Int64
        package private(set) var clients = 0
        package private(set) var users = 0
        /// Nodes where the app has someone online.
        package private(set) var nodes = 0
        /// The clients over time (sparkline, moving averages).
        package private(set) var series = FigureSeries()

        mutating func record(clients: Int, users: Int, nodes: Int, at time: Double) {
            self.clients = clients
            self.users = users
            self.nodes = nodes
            series.record(Double(clients), at: time)
        }
    }

    /// Every server, in the order given, then the nodes discovered in their cluster (`ClusterPoller`).
    package private(set) var nodes: [NodeState]
    /// The servers given: always shown, whatever a round holds.
    private let given: Set<String>
    /// The cluster's figures: each figure aggregated over the nodes that answered (`Figure.aggregation`).
    package private(set) var cluster: [Figure: FigureSeries]
    /// Per app id, every app seen since imtop started (an app whose users all left shows 0).
    package private(set) var apps: [Int64: AppState] = [:]
    /// Whether any node reports per-app figures.
    package private(set) var hasAppFigures = false
    /// The time of the latest poll.
    package private(set) var time: Double?
    package private(set) var pollCount = 0

    package init(servers: [String]) {
        nodes = servers.map(NodeState.init(server:))
        given = Set(servers)
        cluster = Dictionary(uniqueKeysWithValues: Figure.allCases.map { ($0, FigureSeries()) })
    }

    /// Takes one round of results. A server seen for the first time (a node discovered in the cluster)
    /// joins after the others; a discovered one the round leaves out (no longer in the cluster) leaves.
    package mutating func ingest(_ poll: Poll) {
        let polled = Set(poll.results.map(\.server))
        nodes.removeAll { !given.contains($0.server) && !polled.contains($0.server) }
        for result in poll.results {
            if let index = nodes.firstIndex(where: { $0.server == result.server }) {
                nodes[index].ingest(result)
            } else {
                var node = NodeState(server: result.server)
                node.ingest(result)
                nodes.append(node)
            }
        }
        time = poll.time
        pollCount += 1
        let up = nodes.filter(\.isUp)
        for figure in Figure.allCases {
            cluster[figure]!.record(Self.aggregate(figure, up.map { ($0, $0[figure]) }), at: poll.time)
            cluster[figure]!.sinceStart = Self.aggregateSinceStart(figure, up)
        }
        recordApps(up, at: poll.time)
    }

    package var nodesUp: Int { nodes.count(where: \.isUp) }

    /// The versions the nodes that answered run, each once, in the order of the nodes.
    package var versions: [String] {
        var seen: [String] = []
        for node in nodes where node.isUp {
            if let version = node.summary?.version, !seen.contains(version) { seen.append(version) }
        }
        return seen
    }

    /// The uptime of the most recently started node that answers (a recent restart is what stands out).
    package var youngestUptime: Double? {
        nodes.filter(\.isUp).compactMap { $0.summary?[.uptimeSeconds] }.min()
    }

    /// Names to show: node ids, with the server's address added where two servers report the same id.
    package var displayNames: [String: String] {
        var byName: [String: Int] = [:]
        for node in nodes { byName[node.name, default: 0] += 1 }
        var names: [String: String] = [:]
        for node in nodes {
            names[node.server] =
                byName[node.name, default: 0] > 1 && node.summary?.nodeID != nil
                ? "\(node.name)@\(ServerAddress.hostAndPort(node.server))" : node.name
        }
        return names
    }

    static func aggregate(_ figure: Figure, _ values: [(NodeState, Double?)]) -> Double? {
        let present = values.compactMap { node, value in value.map { (node, $0) } }
        guard !present.isEmpty else { return nil }
        switch figure.aggregation {
        case .sum: return present.reduce(0) { $0 + $1.1 }
        case .max: return present.map(\.1).max()
        case .mean: return present.reduce(0) { $0 + $1.1 } / Double(present.count)
        case .fsyncWeighted:
            let intervals = present.compactMap { $0.0.fsyncInterval }
            let count = intervals.reduce(0) { $0 + $1.count }
            guard count > 0 else { return nil }
            return intervals.reduce(0) { $0 + $1.microseconds } / count / 1000
        }
    }

    static func aggregateSinceStart(_ figure: Figure, _ nodes: [NodeState]) -> Double? {
        let present = nodes.compactMap { node in node.figures[figure]?.sinceStart.map { (node, $0) } }
        guard !present.isEmpty else { return nil }
        switch figure.aggregation {
        case .sum: return present.reduce(0) { $0 + $1.1 }
        case .max: return present.map(\.1).max()
        case .mean: return present.reduce(0) { $0 + $1.1 } / Double(present.count)
        case .fsyncWeighted:
            let weighted = present.compactMap { node, average in node.summary?[.storeFsyncs].map { (average, $0) } }
            let count = weighted.reduce(0) { $0 + $1.1 }
            guard count > 0 else { return nil }
            return weighted.reduce(0) { $0 + $1.0 * $1.1 } / count
        }
    }

    private mutating func recordApps(_ up: [NodeState], at time: Double) {
        let reporting = up.compactMap(\.summary).filter(\.reportsApps)
        guard !reporting.isEmpty else { return }
        hasAppFigures = true
        var totals: [Int64: (clients: Int, users: Int, nodes: Int)] = [:]
        for summary in reporting {
            for (appID, counts) in summary.apps {
                var total = totals[appID] ?? (0, 0, 0)
                total.clients += counts.clients
                total.users += counts.users
                total.nodes += counts.clients > 0 ? 1 : 0
                totals[appID] = total
            }
        }
        for appID in Set(apps.keys).union(totals.keys) {
            let total = totals[appID] ?? (0, 0, 0)
            apps[appID, default: AppState(appID: appID)].record(
                clients: total.clients,
                users: total.users,
                nodes: total.nodes,
                at: time
            )
        }
    }
}
