import IMAdminClient

/// `imctl health` as a Nagios plugin: reads `/health` and `/summary`, judges them, and prints one line
/// `IM OK - ... | perfdata`; the exit code is Nagios's.
package enum IMCtlHealth {
    /// Nagios's states, in its exit codes.
    package enum Status: Int32, Sendable, Comparable, CaseIterable {
        case ok = 0
        case warning = 1
        case critical = 2
        case unknown = 3

        /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`.
        package var name: String {
            switch self {
            case .ok: "OK"
            case .warning: "WARNING"
            case .critical: "CRITICAL"
            case .unknown: "UNKNOWN"
            }
        }

        /// Which of two states wins: CRITICAL over UNKNOWN over WARNING over OK.
        private var severity: Int {
            switch self {
            case .ok: 0
            case .warning: 1
            case .unknown: 2
            case .critical: 3
            }
        }

        package static func < (lhs: Status, rhs: Status) -> Bool { lhs.severity < rhs.severity }
    }

    /// Limits that turn a figure into WARNING or CRITICAL; nil: not checked.
    package struct Thresholds: Sendable, Equatable {
        /// Connections (`connection_count`) that make it WARNING / CRITICAL.
        package var warningConnections: Int64?
        package var criticalConnections: Int64?
        /// Resident bytes that make it WARNING / CRITICAL.
        package var warningRSS: Int64?
        package var criticalRSS: Int64?
        /// Open files as a share of the limit. Defaults 0.8 and 0.95.
        package var warningOpenFiles: Double = 0.8
        package var criticalOpenFiles: Double = 0.95

        package init() {}
    }

    /// One finding.
    package struct Check: Sendable, Equatable {
        /// `health`, `store`, `connections`, `rss`, `open_files`, `summary`; its verdict and why.
        package var name: String
        package var status: Status
        package var message: String
    }

    /// The verdict.
    package struct Report: Sendable, Equatable {
        /// The worst check's status, and every check.
        package var status: Status
        package var checks: [Check]
        /// What the line says after the status.
        package var summary: String
        /// Nagios performance data: `connections=42;1000;2000;0`.
        package var perfdata: [String]

        /// `IM OK - im-1 0.1.0 up 2h 3m, 42 connections, 40 users | connections=42;;;0 ...`.
        package var line: String {
            "IM \(status.name) - \(summary)" + (perfdata.isEmpty ? "" : " | " + perfdata.joined(separator: " "))
        }

        /// The `data` of `--json`.
        package var json: IMJSON {
            [
                "status": .string(status.name.lowercased()),
                "exit_code": .int(Int64(status.rawValue)),
                "line": .string(line),
                "checks": .array(
                    checks.map {
                        [
                            "name": .string($0.name), "status": .string($0.status.name.lowercased()),
                            "message": .string($0.message),
                        ]
                    }
                ),
            ]
        }
    }

    /// Judges the replies of `/health` and `/summary` (nil if it was not asked because `/health` failed);
    /// the summary as JSON, as a script or a test has it.
    package static func evaluate(
        health: Result<IMJSON, IMAdminError>,
        summary: Result<IMJSON, IMAdminError>?,
        thresholds: Thresholds
    ) -> Report {
        let typed = summary.map { result in result.map { (try? $0.decoded(as: IMSummary.self)) ?? IMSummary() } }
        return evaluate(health: health, figures: typed, thresholds: thresholds)
    }

    /// Judges the replies of `/health` and `/summary` (`figures`, nil if it was not asked because
    /// `/health` failed).
    package static func evaluate(
        health: Result<IMJSON, IMAdminError>,
        figures summary: Result<IMSummary, IMAdminError>?,
        thresholds: Thresholds
    ) -> Report {
        let healthData: IMJSON
        switch health {
        case .failure(let error):
            let status: Status =
                switch error.kind {
                case .unreachable, .timeout: .critical
                case .refused where (error.status ?? 0) >= 500: .critical
                default: .unknown
                }
            let check = Check(name: "health", status: status, message: error.description)
            return Report(status: status, checks: [check], summary: error.description, perfdata: [])
        case .success(let data):
            healthData = data
        }
        var checks: [Check] = []
        let reported = healthData["status"]?.stringValue ?? "missing"
        checks.append(
            Check(name: "health", status: reported == "ok" ? .ok : .critical, message: "/health status \(reported)")
        )
        var perfdata: [String] = []
        var figures = ""
        let node = healthData["node_id"]?.stringValue ?? "?"
        let version = healthData["version"]?.stringValue ?? "?"
        switch summary {
        case nil:
            break
        case .failure(let error)?:
            checks.append(
                Check(name: "summary", status: .unknown, message: "cannot read /summary: \(error.description)")
            )
        case .success(let data)?:
            let judged = judge(data, thresholds: thresholds)
            checks += judged.checks
            figures = judged.figures
            perfdata = judged.perfdata
        }
        let status = checks.map(\.status).max() ?? .unknown
        let problems = checks.filter { $0.status != .ok }.map(\.message)
        let identity = "\(node) \(version)"
        let summaryText = problems.isEmpty ? identity + figures : problems.joined(separator: "; ") + " (\(identity))"
        return Report(status: status, checks: checks, summary: summaryText, perfdata: perfdata)
    }

    /// The checks on `/summary`'s figures, the figures for the line, and the performance data.
    private static func judge(
        _ data: IMSummary,
        thresholds: Thresholds
    ) -> (checks: [Check], figures: String, perfdata: [String]) {
        let connections = data.connectionCount ?? 0
        let users = data.clientsetCount ?? 0
        let rss = data.process?.rssBytes ?? 0
        let openFiles = data.process?.openFiles ?? 0
        let maxOpenFiles = data.process?.maxOpenFiles ?? 0
        let storeFailures = data.storeFailureCount ?? 0
        let failedAppends = data.store?.failedAppends ?? 0
        let corrupt = (data.store?.count("corrupt_records") ?? 0) + (data.store?.count("unreadable_entries") ?? 0)
        let uptime = data.uptimeSeconds ?? 0
        var checks: [Check] = [
            level(
                "connections",
                connections,
                warning: thresholds.warningConnections,
                critical: thresholds.criticalConnections,
                text: "\(connections) connections"
            ),
            level(
                "rss",
                rss,
                warning: thresholds.warningRSS,
                critical: thresholds.criticalRSS,
                text: "rss \(IMCtlRenderer.bytes(rss))"
            ),
        ]
        if storeFailures > 0 || failedAppends > 0 {
            checks.append(
                Check(
                    name: "store",
                    status: .critical,
                    message:
                        "the store failed to write (\(max(storeFailures, failedAppends)) failures; it refuses appends until restarted)"
                )
            )
        } else if corrupt > 0 {
            checks.append(Check(name: "store", status: .warning, message: "\(corrupt) corrupt or unreadable store records"))
        } else {
            checks.append(Check(name: "store", status: .ok, message: "store writes ok"))
        }
        if maxOpenFiles > 0 {
            let share = Double(openFiles) / Double(maxOpenFiles)
            let status: Status =
                share >= thresholds.criticalOpenFiles ? .critical : share >= thresholds.warningOpenFiles ? .warning : .ok
            checks.append(Check(name: "open_files", status: status, message: "\(openFiles) of \(maxOpenFiles) open files"))
        }
        let figures = ", up \(IMCtlRenderer.uptime(uptime)), \(connections) connections, \(users) users"
        let perfdata = [
            "connections=\(connections);\(thresholds.warningConnections.map(String.init) ?? "");\(thresholds.criticalConnections.map(String.init) ?? "");0",
            "users=\(users);;;0",
            "rss=\(rss)B;\(thresholds.warningRSS.map(String.init) ?? "");\(thresholds.criticalRSS.map(String.init) ?? "");0",
            "open_files=\(openFiles);;;0;\(maxOpenFiles)",
            "store_failures=\(max(storeFailures, failedAppends));;1;0",
        ]
        return (checks, figures, perfdata)
    }

    private static func level(_ name: String, _ value: Int64, warning: Int64?, critical: Int64?, text: String) -> Check
    {
        if let critical, value >= critical {
            return Check(name: name, status: .critical, message: "\(text) >= \(critical)")
        }
        if let warning, value >= warning {
            return Check(name: name, status: .warning, message: "\(text) >= \(warning)")
        }
        return Check(name: name, status: .ok, message: text)
    }

    /// Runs the check against a server and prints the line (or the JSON envelope, whose `ok` is true only
    /// for OK). Returns the Nagios status.
    package static func run(
        thresholds: Thresholds,
        connection: IMCtlConnectionOptions,
        output: IMCtlOutputOptions,
        io: IMCtlIO
    ) async -> Status {
        let resolved: (IMAdminClientConfiguration, IMAdminCredentials)
        do {
            resolved = try connection.resolve(io: io)
        } catch {
            emit(Report(status: .unknown, checks: [], summary: error.message, perfdata: []), output: output, io: io)
            return .unknown
        }
        var (configuration, _) = resolved
        if output.verbose { configuration.trace = { io.err($0 + "\n") } }
        let client: IMAdminClient
        do {
            client = try IMAdminClient(configuration: configuration)
        } catch {
            emit(Report(status: .unknown, checks: [], summary: error.description, perfdata: []), output: output, io: io)
            return .unknown
        }
        // /health is read as it comes, so a reply without a field is judged rather than refused.
        let health: Result<IMJSON, IMAdminError>
        do {
            health = .success(try await client.data(try IMAdminRequest(IMAdmin.Health.self, IMAdminNone())))
        } catch {
            health = .failure(error)
        }
        var summary: Result<IMSummary, IMAdminError>?
        if case .success = health {
            do {
                summary = .success(try await client.call(IMAdmin.Summary.self, .init()))
            } catch {
                summary = .failure(error)
            }
        }
        await client.shutdown()
        let report = evaluate(health: health, figures: summary, thresholds: thresholds)
        emit(report, output: output, io: io)
        return report.status
    }

    private static func emit(_ report: Report, output: IMCtlOutputOptions, io: IMCtlIO) {
        switch output.format {
        case .json:
            let failure =
                report.status == .ok
                ? nil
                : IMCtlFailure(code: report.status.name.lowercased(), message: report.summary, exitCode: .refused)
            io.out(IMCtlRenderer.envelope(data: report.json, failure: failure).encoded(pretty: true) + "\n")
        case .ndjson, .raw:
            io.out(report.json.encoded() + "\n")
        case .csv:
            io.out(
                IMCtlRenderer.csv(
                    .table(
                        [
                            IMCtlColumn("CHECK", "name"), IMCtlColumn("STATUS", "status"),
                            IMCtlColumn("MESSAGE", "message"),
                        ],
                        report.json["checks"]?.arrayValue ?? []
                    )
                )
            )
        case .text:
            io.out(report.line + "\n")
        }
    }
}
