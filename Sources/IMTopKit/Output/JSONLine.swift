import Foundation

/// `--json` output: one object per interval (NDJSON), schema `imtop/1`; `--check --json` prints one object
/// of schema `imtop-check/1`.
package enum JSONLine {
    /// One interval: the status, the cluster's figures, every node's figures with their averages, the apps.
    package static func interval(_ model: DashboardModel, _ report: StatusReport) -> String {
        var object = base(model, report)
        object["schema"] = "imtop/1"
        let names = model.displayNames
        object["cluster"] = figures(model.cluster)
        object["nodes"] = model.nodes.map { node -> [String: Any] in
            var entry: [String: Any] = [
                "server": node.server,
                "name": names[node.server] ?? node.name,
                "node_id": node.summary?.nodeID.map { $0 as Any } ?? NSNull(),
                "version": node.summary?.version.map { $0 as Any } ?? NSNull(),
                "uptime_seconds": value(node.summary?[.uptimeSeconds]),
                "last_seen": node.lastSeen.map { TimeText.iso8601($0) as Any } ?? NSNull(),
                "restarted": node.restartedThisPoll,
                "restarts": node.restarts,
                "figures": figures(node.figures),
            ]
            switch node.status {
            case .waiting: entry["state"] = "waiting"
            case .up: entry["state"] = "up"
            case .down(let failure, let since):
                entry["state"] = failure.kind == .unreachable ? "down" : "error"
                entry["error"] = failure.message
                entry["down_since"] = TimeText.iso8601(since)
            }
            return entry
        }
        if model.hasAppFigures {
            object["apps"] = model.sortedApps(by: .app).map { app -> [String: Any] in
                ["appid": app.appID, "client_count": app.clients, "clientset_count": app.users, "nodes": app.nodes]
            }
        }
        return encode(object)
    }

    /// `--check --json`: the status, its exit code, the one-line message, the cluster's figures.
    package static func check(_ model: DashboardModel, _ report: StatusReport, message: String) -> String {
        var object = base(model, report)
        object["schema"] = "imtop-check/1"
        object["exit_code"] = Int(report.status.exitCode)
        object["message"] = message
        object["cluster"] = model.cluster.reduce(into: [String: Any]()) {
            $0[$1.key.rawValue] = value($1.value.current)
        }
        return encode(object)
    }

    private static func base(_ model: DashboardModel, _ report: StatusReport) -> [String: Any] {
        [
            "time": TimeText.iso8601(model.time ?? 0),
            "status": report.status.rawValue,
            "nodes_up": model.nodesUp,
            "nodes_total": model.nodes.count,
            "problems": report.problems.map { problem -> [String: Any] in
                var entry: [String: Any] = [
                    "node": problem.node, "status": problem.status.rawValue, "text": problem.text,
                ]
                if let alert = problem.alert {
                    entry["figure"] = alert.figure.rawValue
                    entry["value"] = alert.value
                    entry["threshold"] = alert.range.description
                }
                return entry
            },
        ]
    }

    private static func figures(_ series: [Figure: FigureSeries]) -> [String: Any] {
        var object: [String: Any] = [:]
        for (figure, values) in series {
            object[figure.rawValue] = [
                "now": value(values.current),
                "avg_1m": value(values.oneMinute),
                "avg_5m": value(values.fiveMinutes),
                "since_start": value(values.sinceStart),
            ]
        }
        return object
    }

    /// A number, or JSON null.
    private static func value(_ number: Double?) -> Any {
        number.map { $0 as Any } ?? NSNull()
    }

    static func encode(_ object: [String: Any]) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
