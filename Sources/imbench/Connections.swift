import ArgumentParser
import IMBenchKit

extension IMBenchCommand {
    /// `imbench connections`.
    struct Connections: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Open --clients authenticated connections at --connect-rate, hold them for --duration with pings; report connect/login latency and the server's memory per connection."
        )

        @OptionGroup(title: "Server Options") var server: ServerOptions
        @OptionGroup(title: "Load Options") var load: LoadOptions
        @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions
        @OptionGroup(title: "Output Options") var output: OutputOptions

        func run() async throws {
            try await runBench(.connections, server: server, load: load, thresholds: thresholds, output: output)
        }
    }
}
