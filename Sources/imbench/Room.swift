import ArgumentParser
import IMBenchKit

extension IMBenchCommand {
    /// `imbench room`.
    struct Room: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "One chat room with --clients connections: --senders of them send; every other connection must get every message (rooms are not stored: what push misses is lost).",
            discussion: """
                Example:
                  imbench room --clients 200 --senders 5 --rate 500 --duration 10s
                """
        )

        @OptionGroup(title: "Server Options") var server: ServerOptions
        @OptionGroup(title: "Load Options") var load: LoadOptions
        @OptionGroup(title: "Group and Room Options") var fanout: FanoutOptions
        @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions
        @OptionGroup(title: "Output Options") var output: OutputOptions

        func run() async throws {
            try await runBench(
                .room,
                server: server,
                load: load,
                thresholds: thresholds,
                output: output,
                fanout: fanout
            )
        }
    }
}
