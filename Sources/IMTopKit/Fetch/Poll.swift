import Foundation

/// What one node answered at one moment.
package struct NodeResult: Sendable {
    package enum Outcome: Sendable {
        /// The parsed reply and its JSON bytes (what `--record` writes).
        case summary(NodeSummary, raw: Data)
        case failure(NodeFailure)
    }

    /// The server's base URL as given (normalised), the node's key in the dashboard.
    package var server: String
    /// Unix time (seconds) when the reply arrived or the attempt failed; rates divide by its differences.
    package var time: Double
    package var outcome: Outcome

    package init(server: String, time: Double, outcome: Outcome) {
        self.server = server
        self.time = time
        self.outcome = outcome
    }

    package var summary: NodeSummary? {
        if case .summary(let summary, _) = outcome { return summary }
        return nil
    }
}

/// One round of fetching every server's `/summary`.
package struct Poll: Sendable {
    /// Unix time (seconds) when the round started.
    package var time: Double
    package var results: [NodeResult]

    package init(time: Double, results: [NodeResult]) {
        self.time = time
        self.results = results
    }
}
