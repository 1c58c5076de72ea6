import Foundation
import IMTopKit

/// `--batch`, `--json` and `--check`: lines on stdout, flushed as they are written.
enum Headless {
    static func run(_ configuration: IMTopConfiguration) async throws(IMTopError) -> Int32 {
        let write: @Sendable (String) -> Void = { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        if let path = configuration.replay {
            var reader = try RecordReader(path: path)
            defer { reader.close() }
            var runner = HeadlessRunner(configuration: configuration, servers: reader.servers, write: write)
            return try runner.run(replay: &reader)
        }
        let recorder = try configuration.record.map { path throws(IMTopError) in
            try RecordWriter(
                path: path,
                servers: configuration.servers,
                interval: configuration.interval,
                imtopVersion: BuildInfo.version,
                now: Date().timeIntervalSince1970
            )
        }
        defer { recorder?.close() }
        let fetcher = SummaryFetcher(token: configuration.token, timeout: .seconds(configuration.timeout))
        var runner = HeadlessRunner(configuration: configuration, servers: configuration.servers, write: write)
        let poller = ClusterPoller(servers: configuration.servers, fetcher: fetcher, discover: configuration.discover)
        return try await runner.run(
            poll: { await poller.poll() },
            ticker: .every(configuration.interval),
            recorder: recorder
        )
    }
}
