import ArgumentParser
import Foundation
import IMTopKit

/// `imtop`: the operators' live dashboard of swift-im's admin `/summary`, for one node or many.
@main
struct IMTop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imtop",
        abstract: "Live dashboard of swift-im nodes (the admin API's /summary): one node or a cluster.",
        discussion: """
            On a terminal imtop draws the dashboard: cluster totals with averages since start, 1 and 5 minute \
            moving averages and sparklines, then a row per node (DOWN with "last seen" when a node stops \
            answering; it is retried every interval). Given one node of a cluster (imd with postgres_url), \
            imtop shows every node of it, as GET /nodes lists them (with the admin token), as they come and \
            go; a dead node shows DOWN. When stdout is not a terminal, or with --batch, it prints \
            a line per interval (--json: NDJSON); --check prints one status line.

            KEYS
              q quit, p/space pause, s sort column, r reverse, a per-app view,
              h/? help, +/- interval (replay: speed), arrows/PgUp/PgDn scroll

            THRESHOLDS (--warn/--crit FIGURE=RANGE, --thresholds FILE)
            Each node's figures are checked. Ranges as Nagios plugins take them: 20 \
            (alert above), 10: (below), 10:20 (outside), - (none). A thresholds file \
            has lines "FIGURE WARNING CRITICAL" and # comments. Defaults: fsync_ms \
            20/100, cpu_pct 80/95, open_files_pct 80/95, store_failure_rate -/0. \
            Figures: \(Figure.allCases.map(\.rawValue).joined(separator: ", ")).

            EXIT CODES
              0    ok (the screen: quit with q)
              1    warning (--check; --batch: the worst line printed)
              2    critical: a node does not answer, or past a critical threshold
              3    unknown: a reply that is not /summary, or imtop could not run
              64   usage error (3 with --check)
              128+N  the screen was stopped by signal N
            """,
        version: BuildInfo.versionDescription
    )

    @Option(
        name: .customLong("server"),
        help: ArgumentHelp(
            "An admin API address (repeat for a cluster): host:port or http(s)://host:port. Default: env IMTOP_SERVERS (comma-separated), else 127.0.0.1:6666.",
            valueName: "url"
        )
    )
    var servers: [String] = []

    @Option(
        help: ArgumentHelp("A file holding the admin token (sent as Authorization: Bearer).", valueName: "file"),
        completion: .file()
    )
    var tokenFile: String?

    @Option(help: "The admin token; visible in process lists, prefer --token-file or env IMTOP_TOKEN.")
    var token: String?

    @Option(
        name: [.customShort("d"), .long],
        help: ArgumentHelp("Seconds between samples (2, 0.5, 500ms; default 2, 1 for --check).", valueName: "seconds")
    )
    var interval: String?

    @Option(
        help: ArgumentHelp("Deadline of one /summary request (default: the interval, 1 to 5 s).", valueName: "seconds")
    )
    var timeout: String?

    @Option(name: .customShort("n"), help: ArgumentHelp("Batch: print N intervals, then exit.", valueName: "N"))
    var iterations: Int?

    @Flag(
        name: [.short, .long],
        help: "A line per interval instead of the dashboard (also when stdout is not a terminal)."
    )
    var batch = false

    @Flag(help: "Batch lines as JSON (NDJSON, schema imtop/1); with --check, one JSON object.")
    var json = false

    @Flag(help: "Take two samples an interval apart, print one status line, exit 0/1/2/3 (Nagios).")
    var check = false

    @Option(
        help: ArgumentHelp(
            "Sort nodes by: \(NodeSortColumn.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "column"
        ),
        completion: .list(NodeSortColumn.allCases.map(\.rawValue))
    )
    var sort: String?

    @Flag(help: "Only the servers given: not the other nodes of their cluster (found through /nodes).")
    var noDiscover = false

    @Flag(help: "Reverse the sort order.")
    var reverse = false

    @Flag(help: "Start in the per-app view.")
    var apps = false

    @Option(help: ArgumentHelp("A warning threshold, e.g. fsync_ms=20 (repeatable).", valueName: "figure=range"))
    var warn: [String] = []

    @Option(help: ArgumentHelp("A critical threshold, e.g. clients=100: (repeatable).", valueName: "figure=range"))
    var crit: [String] = []

    @Option(
        name: .customLong("thresholds"),
        help: ArgumentHelp("A thresholds file.", valueName: "file"),
        completion: .file()
    )
    var thresholdsFile: String?

    @Flag(help: "Start without the default thresholds.")
    var noDefaultThresholds = false

    @Flag(help: "No colours (bold and reverse instead); also env NO_COLOR.")
    var noColor = false

    @Flag(help: "ASCII only (no block sparklines), whatever the locale.")
    var ascii = false

    @Option(
        help: ArgumentHelp("Write every sample to FILE (NDJSON) for --replay.", valueName: "file"),
        completion: .file()
    )
    var record: String?

    @Option(
        help: ArgumentHelp(
            "Show a recording instead of live servers (with --batch/--check: as fast as read).",
            valueName: "file"
        ),
        completion: .file()
    )
    var replay: String?

    @Option(help: ArgumentHelp("Replay speed factor (default 1; +/- change it).", valueName: "factor"))
    var speed: Double?

    static func main() async {
        let check = CommandLine.arguments.contains("--check")
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as IMTopError {
            FileHandle.standardError.write(Data("imtop: \(error.message)\n".utf8))
            Foundation.exit(error.kind == .usage && !check ? 64 : 3)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
            Foundation.exit(check ? 3 : 64)
        }
    }

    func run() async throws {
        var options = CommandLineOptions()
        options.servers = servers
        options.token = token
        options.tokenFile = tokenFile
        options.interval = interval
        options.timeout = timeout
        options.iterations = iterations
        options.batch = batch
        options.json = json
        options.check = check
        options.sort = sort
        options.reverse = reverse
        options.noDiscover = noDiscover
        options.apps = apps
        options.warn = warn
        options.crit = crit
        options.thresholdsFile = thresholdsFile
        options.noDefaultThresholds = noDefaultThresholds
        options.noColor = noColor
        options.ascii = ascii
        options.record = record
        options.replay = replay
        options.speed = speed
        let configuration = try options.resolve(
            environment: ProcessInfo.processInfo.environment,
            outputIsTerminal: isatty(STDOUT_FILENO) == 1
        )
        for warning in configuration.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        let code: Int32
        switch configuration.mode {
        case .screen: code = try await ScreenSession(configuration: configuration).run()
        case .batch, .check: code = try await Headless.run(configuration)
        }
        throw ExitCode(code)
    }
}
