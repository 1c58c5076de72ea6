import ArgumentParser
import IMBenchKit

extension IMBenchCommand {
    /// `imbench peer` (the default): sender→receiver pairs.
    struct Peer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sender→receiver pairs (clients / 2 pairs); the default scenario.",
            discussion:
                "Closed loop by default (--window 1 per sender, GoBelieve's benchmark shape); --rate N for open loop."
        )

        @Option(
            help:
                "Run another scenario with these options: \(BenchScenarioKind.allCases.map(\.rawValue).joined(separator: ", "))."
        )
        var scenario: String?

        @OptionGroup(title: "Server Options") var server: ServerOptions
        @OptionGroup(title: "Load Options") var load: LoadOptions
        @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions
        @OptionGroup(title: "Output Options") var output: OutputOptions

        func validate() throws {
            if let scenario, BenchScenarioKind(rawValue: scenario) == nil {
                throw ValidationError(
                    "--scenario must be one of \(BenchScenarioKind.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
        }

        func run() async throws {
            let kind = scenario.flatMap(BenchScenarioKind.init(rawValue:)) ?? .peer
            try await runBench(kind, server: server, load: load, thresholds: thresholds, output: output)
        }
    }
}
