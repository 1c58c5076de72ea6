/// `--check`'s one line, as Nagios plugins print it: `IMTOP STATE - summary | perfdata`.
package enum CheckLine {
    /// The cluster figures written as performance data.
    static let performanceFigures: [Figure] = [
        .connections, .clients, .users, .inRate, .outRate, .appendRate, .fsync, .cpu, .rss,
    ]

    package static func line(_ model: DashboardModel, _ report: StatusReport, thresholds: Thresholds) -> String {
        let units = Units(unicode: false)
        var summary = "\(model.nodesUp)/\(model.nodes.count) nodes up"
        if report.problems.isEmpty {
            let shown: [(String, Figure, String)] = [
                ("conns", .connections, ""), ("in", .inRate, "/s"), ("out", .outRate, "/s"), ("fsync", .fsync, ""),
            ]
            for (label, figure, suffix) in shown {
                if let value = model.cluster[figure]?.current {
                    summary += ", \(label) \(units.format(value, figure.unit))\(suffix)"
                }
            }
        } else {
            summary += "; " + report.problems.map(\.text).joined(separator: "; ")
        }
        var performance = ["nodes_up=\(model.nodesUp);;;0;\(model.nodes.count)"]
        for figure in performanceFigures {
            guard let value = model.cluster[figure]?.current else { continue }
            let unit =
                switch figure.unit {
                case .milliseconds: "ms"
                case .percent: "%"
                case .bytes: "B"
                default: ""
                }
            let limits = thresholds.limits[figure]
            let warning = limits?.warning?.description ?? ""
            let critical = limits?.critical?.description ?? ""
            performance.append("\(figure.rawValue)=\(number(value))\(unit);\(warning);\(critical)")
        }
        return "IMTOP \(report.status.rawValue.uppercased()) - \(summary) | \(performance.joined(separator: " "))"
    }

    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String((value * 1000).rounded() / 1000)
    }
}
