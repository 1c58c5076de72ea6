import ArgumentParser
import IMBenchKit

extension IMBenchCommand {
    /// `imbench group`.
    struct Group: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "One group (normal, or --super): --senders of the --clients connected members send to it; every other member must get every message. Reports deliveries/s and first/last-delivery latency.",
            discussion: """
                Examples:
                  imbench group --clients 500 --senders 10 --messages 2000
                  imbench group --clients 100 --group-size 2000 --super --rate 200
                """
        )

        @OptionGroup(title: "Server Options") var server: ServerOptions
        @OptionGroup(title: "Load Options") var load: LoadOptions
        @OptionGroup(title: "Group and Room Options") var fanout: FanoutOptions
        @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions
        @OptionGroup(title: "Output Options") var output: OutputOptions

        func run() async throws {
            try await runBench(
                .group,
                server: server,
                load: load,
                thresholds: thresholds,
                output: output,
                fanout: fanout
            )
        }
    }
}
