/// The overall state of the nodes: what `--check` prints and exits with, the `status` of `--json` lines.
package struct StatusReport: Sendable {
    /// Nagios plugin states, with their exit codes.
    package enum Status: String, Sendable, Comparable {
        case ok, warning, critical, unknown

        package var exitCode: Int32 {
            switch self {
            case .ok: 0
            case .warning: 1
            case .critical: 2
            case .unknown: 3
            }
        }

        /// Worse is greater: ok < warning < unknown < critical (a down node outweighs one we cannot read).
        package static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }

        private var rank: Int {
            switch self {
            case .ok: 0
            case .warning: 1
            case .unknown: 2
            case .critical: 3
            }
        }

        init(_ level: AlertLevel) {
            switch level {
            case .ok: self = .ok
            case .warning: self = .warning
            case .critical: self = .critical
            }
        }
    }

    /// One thing wrong.
    package struct Problem: Sendable {
        package var node: String
        package var status: Status
        /// "im-2 DOWN: connection refused", "im-1 fsync_ms 120 > 100".
        package var text: String
        /// For threshold alerts.
        package var alert: Alert?
    }

    package var status: Status
    /// Worst first.
    package var problems: [Problem]

    /// Rules: a node that does not answer is critical; one that answers with something other than a summary
    /// is unknown; a restart seen in the latest poll is a warning; thresholds give their level.
    package init(model: DashboardModel, thresholds: Thresholds, units: Units = Units(unicode: false)) {
        let names = model.displayNames
        var problems: [Problem] = []
        for node in model.nodes {
            let name = names[node.server] ?? node.name
            switch node.status {
            case .waiting:
                problems.append(Problem(node: name, status: .unknown, text: "\(name): no answer yet"))
            case .down(let failure, _):
                let seen = node.lastSeen.flatMap { seen in
                    model.time.map { "last seen \(units.duration(seconds: $0 - seen)) ago" }
                }
                switch failure.kind {
                case .unreachable:
                    problems.append(
                        Problem(
                            node: name,
                            status: .critical,
                            text: "\(name) DOWN: \(failure.message) (\(seen ?? "never seen"))"
                        )
                    )
                case .badReply:
                    problems.append(Problem(node: name, status: .unknown, text: "\(name): \(failure.message)"))
                }
            case .up:
                if node.restartedThisPoll {
                    problems.append(Problem(node: name, status: .warning, text: "\(name) restarted"))
                }
            }
        }
        for alert in thresholds.alerts(model) {
            let value = units.format(alert.value, alert.figure.unit)
            problems.append(
                Problem(
                    node: alert.node,
                    status: Status(alert.level),
                    text: "\(alert.node) \(alert.figure.rawValue) \(value) \(alert.range.violationText)",
                    alert: alert
                )
            )
        }
        self.problems = problems.enumerated().sorted { a, b in
            a.element.status != b.element.status ? a.element.status > b.element.status : a.offset < b.offset
        }.map(\.element)
        status = self.problems.first?.status ?? .ok
    }
}
