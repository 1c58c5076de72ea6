import AsyncHTTPClient
import Foundation
import IMCore
import NIOCore
import Testing

/// `docs/grafana/swift-im.json` and `docs/prometheus/alerts.yml` read only metrics the server exports.
@Suite("Grafana dashboard and Prometheus alerts")
struct DashboardTests {
    /// Metrics Prometheus or node_exporter make, which the alerts may read besides imd's.
    static let external: Set<String> = ["up", "node_filesystem_avail_bytes", "node_filesystem_size_bytes"]

    /// Every metric name in an in-process server's `/metrics` (every transport's listener on, so the
    /// per-transport series are there too).
    static func exportedMetrics() async throws -> Set<String> {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = IMServerConfiguration.forTests(dataDirectory: directory.path, adminToken: "t")
        configuration.webSocketAddress = .init(host: "127.0.0.1", port: 0)
        configuration.eventLoopThreads = 1
        return try await withRunningServer(configuration) { _, addresses in
            let url = "http://127.0.0.1:\(addresses.admin!.port)/metrics"
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 22))
            let names = body.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("# TYPE ") else { return nil }
                return line.split(separator: " ").dropFirst(2).first.map(String.init)
            }
            return Set(names)
        }
    }

    static func dashboard() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryFile("docs/grafana/swift-im.json")))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Every PromQL expression of the dashboard: panel targets, the annotation, the variables' queries.
    static func dashboardExpressions(_ dashboard: [String: Any]) -> [String] {
        let panels = dashboard["panels"] as? [[String: Any]] ?? []
        var expressions = panels.flatMap {
            ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
        }
        let annotations = (dashboard["annotations"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        expressions += annotations.compactMap { $0["expr"] as? String }
        return expressions
    }

    @Test func theDashboardIsWellFormedAndReadsExportedMetrics() async throws {
        let exported = try await Self.exportedMetrics()
        #expect(exported.contains("im_connections") && exported.contains("im_store_fsyncs_total"), "\(exported)")
        let dashboard = try Self.dashboard()
        #expect(dashboard["uid"] as? String == "swift-im")
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "every panel has its own id")
        for panel in panels where panel["type"] as? String != "row" {
            let title = panel["title"] as? String ?? "?"
            #expect(panel["gridPos"] is [String: Any], "\(title) has a position")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "\(title) has queries")
            let source = (panel["datasource"] as? [String: Any])?["uid"] as? String
            #expect(source == "${datasource}", "\(title) uses the data source variable")
        }
        let expressions = Self.dashboardExpressions(dashboard)
        #expect(expressions.count > 30)
        var used: Set<String> = []
        for expression in expressions {
            let names = PromQLNames.metrics(in: expression)
            #expect(!names.isEmpty, "\(expression) reads a metric")
            for name in names where name != "up" {
                #expect(exported.contains(name), "\(name) (in \(expression)) is not in /metrics")
            }
            used.formUnion(names)
        }
        // Every family the server exports is on a panel (an unused one is likely a forgotten new metric).
        let unused = exported.subtracting(used)
        #expect(unused.isEmpty, "metrics on no panel: \(unused.sorted())")
    }

    @Test func theAlertsReadExportedMetrics() async throws {
        let exported = try await Self.exportedMetrics()
        let rules = try String(contentsOfFile: repositoryFile("docs/prometheus/alerts.yml"), encoding: .utf8)
        let recorded = Set(rules.matches(of: /- record: (\S+)/).map { String($0.1) })
        let expressions = Self.ruleExpressions(rules)
        #expect(expressions.count >= 15)
        for expression in expressions {
            for name in PromQLNames.metrics(in: expression) {
                let known = exported.contains(name) || recorded.contains(name) || Self.external.contains(name)
                #expect(known, "\(name) (in \(expression)) is neither exported nor recorded")
            }
        }
        for alert in [
            "SwiftIMNodeDown", "SwiftIMStoreFsyncSlow", "SwiftIMDiskFillingUp", "SwiftIMRefusalsRising",
            "SwiftIMProtocolErrorsRising", "SwiftIMPushQueueBackingUp",
        ] {
            #expect(rules.contains("- alert: \(alert)\n"))
        }
    }

    @Test(.enabled(if: installedTool("promtool") != nil, "promtool is not installed (apt-get install prometheus)"))
    func promtoolChecksAndUnitTestsTheRules() async throws {
        let promtool = try #require(installedTool("promtool"))
        let check = try await runCommand(promtool, ["check", "rules", repositoryFile("docs/prometheus/alerts.yml")])
        #expect(check.status == 0, "\(check.transcript)")
        let unit = try await runCommand(promtool, ["test", "rules", repositoryFile("docs/prometheus/alerts-test.yml")])
        #expect(unit.status == 0, "\(unit.transcript)")
    }

    /// The dashboard's queries parse: promtool checks them as recording rules, with the variables filled in.
    @Test(.enabled(if: installedTool("promtool") != nil, "promtool is not installed (apt-get install prometheus)"))
    func promtoolParsesTheDashboardQueries() async throws {
        let promtool = try #require(installedTool("promtool"))
        let expressions = Self.dashboardExpressions(try Self.dashboard())
        var lines = ["groups:", "  - name: dashboard", "    rules:"]
        for (index, expression) in expressions.enumerated() {
            let filled = expression.replacingOccurrences(of: "$__rate_interval", with: "5m")
                .replacingOccurrences(of: "$job", with: ".*").replacingOccurrences(of: "$instance", with: ".*")
            // A single-quoted YAML scalar: no escapes but '' for '.
            let quoted =
                "'" + filled.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: " ") + "'"
            lines += ["      - record: dashboard:query_\(index)", "        expr: \(quoted)"]
        }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("dashboard-rules.yml", lines.joined(separator: "\n") + "\n")
        let check = try await runCommand(promtool, ["check", "rules", file])
        #expect(check.status == 0, "\(check.transcript)")
    }

    /// The `expr:` of every rule, one line or a `|` block.
    static func ruleExpressions(_ rules: String) -> [String] {
        let lines = rules.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var expressions: [String] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard let range = lines[index].range(of: "expr: ") else { continue }
            let rest = String(lines[index][range.upperBound...])
            guard rest == "|" else {
                expressions.append(rest)
                continue
            }
            let indent = lines[index].prefix { $0 == " " }.count
            var block: [String] = []
            while index + 1 < lines.count, lines[index + 1].prefix(while: { $0 == " " }).count > indent {
                index += 1
                block.append(lines[index])
            }
            expressions.append(block.joined(separator: "\n"))
        }
        return expressions
    }
}
