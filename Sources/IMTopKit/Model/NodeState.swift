/// What the dashboard knows about one server: whether it answers, its latest summary, and its figures.
package struct NodeState: Sendable {
    package enum Status: Sendable, Equatable {
        /// No answer yet.
        case waiting
        case up
        /// The last attempt failed; `since` is the first failure of this outage.
        case down(NodeFailure, since: Double)
    }

    /// How long after a restart the node is marked as restarted.
    package static let restartMarkSeconds = 60.0

    /// The server's base URL, the node's key.
    package let server: String
    package private(set) var status = Status.waiting
    /// The latest summary that arrived, and when.
    package private(set) var summary: NodeSummary?
    package private(set) var lastSeen: Double?
    /// When the latest restart was detected (a counter went backwards, or `started_at` or `node_id`
    /// changed), and how many were seen.
    package private(set) var restartedAt: Double?
    package private(set) var restarts = 0
    /// Whether the latest sample showed a restart (its rates could not be computed).
    package private(set) var restartedThisPoll = false
    package private(set) var figures: [Figure: FigureSeries]
    /// Fsync time (µs) and count over the last interval, to weight the cluster's fsync latency.
    package private(set) var fsyncInterval: (microseconds: Double, count: Double)?

    package init(server: String) {
        self.server = server
        figures = Dictionary(uniqueKeysWithValues: Figure.allCases.map { ($0, FigureSeries()) })
    }

    /// The node id, or the server's host and port until it has answered (or when it reports none).
    package var name: String { summary?.nodeID ?? ServerAddress.hostAndPort(server) }

    package var isUp: Bool { status == .up }

    /// The failure when the node is down.
    package var failure: NodeFailure? {
        if case .down(let failure, _) = status { return failure }
        return nil
    }

    /// The latest value of a figure.
    package subscript(figure: Figure) -> Double? { figures[figure]?.current }

    /// Whether the node restarted within `restartMarkSeconds` before `now`.
    package func recentlyRestarted(now: Double) -> Bool {
        guard let restartedAt else { return false }
        return now - restartedAt < Self.restartMarkSeconds
    }

    /// Takes one result for this node.
    package mutating func ingest(_ result: NodeResult) {
        switch result.outcome {
        case .failure(let failure):
            if case .down(_, let since) = status {
                status = .down(failure, since: since)
            } else {
                status = .down(failure, since: result.time)
            }
            restartedThisPoll = false
            fsyncInterval = nil
            for figure in Figure.allCases { figures[figure]!.record(nil, at: result.time) }
        case .summary(let new, _):
            let restarted = summary.map { Self.restarted(from: $0, to: new) } ?? false
            let previous = restarted ? nil : summary
            let elapsed = lastSeen.map { result.time - $0 } ?? 0
            for figure in Figure.allCases {
                figures[figure]!.record(
                    Figure.value(figure, now: new, previous: previous, elapsed: elapsed),
                    at: result.time
                )
                figures[figure]!.sinceStart = Figure.sinceStart(figure, new)
            }
            if let previous, let micros = new[.storeFsyncMicroseconds],
                let oldMicros = previous[.storeFsyncMicroseconds],
                let count = new[.storeFsyncs], let oldCount = previous[.storeFsyncs], count > oldCount
            {
                fsyncInterval = (micros - oldMicros, count - oldCount)
            } else {
                fsyncInterval = nil
            }
            if restarted {
                restartedAt = result.time
                restarts += 1
            }
            restartedThisPoll = restarted
            summary = new
            lastSeen = result.time
            status = .up
        }
    }

    /// Whether `new` comes from a different process than `old`.
    static func restarted(from old: NodeSummary, to new: NodeSummary) -> Bool {
        if let before = old.nodeID, let after = new.nodeID, before != after { return true }
        if let before = old[.startedAt], let after = new[.startedAt], abs(before - after) > 1 { return true }
        for field in SummaryField.allCases where field.isCounter && field != .storeFsyncMicroseconds {
            if let before = old[field], let after = new[field], after < before { return true }
        }
        return false
    }
}
