/// `--batch` and `--check`: imtop without a screen.
///
/// Batch: a first poll as the baseline (so every line has rates), then one line per interval (text, or
/// `--json` NDJSON) for `-n` intervals or until killed; the exit code is the worst status printed.
/// Check: the baseline and one more poll an interval later, one line, the Nagios exit code.
/// A replay (`--replay`) feeds the recorded polls as fast as they can be read.
package struct HeadlessRunner {
    package let configuration: IMTopConfiguration
    package let write: @Sendable (String) -> Void
    private var model: DashboardModel
    private var printed = 0
    private var worst = StatusReport.Status.ok

    package init(configuration: IMTopConfiguration, servers: [String], write: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.write = write
        model = DashboardModel(servers: servers)
    }

    /// Live: `poll` fetches a round, `ticker` paces the rounds; every round goes to `recorder` too.
    /// Returns the exit code.
    package mutating func run(
        poll: () async -> Poll,
        ticker: Ticker,
        recorder: RecordWriter? = nil
    ) async throws(IMTopError) -> Int32 {
        var first = true
        while true {
            if !first {
                do { try await ticker.wait() } catch { return worst.exitCode }
            }
            first = false
            let round = await poll()
            try recorder?.write(round)
            if let code = consume(round) { return code }
        }
    }

    /// Replays a recording; returns the exit code.
    package mutating func run(replay reader: inout RecordReader) throws(IMTopError) -> Int32 {
        while let poll = try reader.next() {
            if let code = consume(poll) { return code }
        }
        if configuration.mode == .check {
            guard model.pollCount > 0 else { throw IMTopError.usage("--replay: \(reader.path) has no polls") }
            return finishCheck()
        }
        return worst.exitCode
    }

    /// Takes one round; returns the exit code when imtop is done.
    private mutating func consume(_ poll: Poll) -> Int32? {
        model.ingest(poll)
        guard model.pollCount > 1 else { return nil }
        switch configuration.mode {
        case .check:
            return configuration.replay == nil ? finishCheck() : nil
        case .batch, .screen:
            let report = StatusReport(model: model, thresholds: configuration.thresholds)
            if configuration.json {
                write(JSONLine.interval(model, report))
            } else {
                if printed == 0 { write(BatchLine.header) }
                write(BatchLine.line(model, report))
            }
            printed += 1
            worst = max(worst, report.status)
            if let iterations = configuration.iterations, printed >= iterations { return worst.exitCode }
            return nil
        }
    }

    private func finishCheck() -> Int32 {
        let report = StatusReport(model: model, thresholds: configuration.thresholds)
        let line = CheckLine.line(model, report, thresholds: configuration.thresholds)
        write(configuration.json ? JSONLine.check(model, report, message: line) : line)
        return report.status.exitCode
    }
}
