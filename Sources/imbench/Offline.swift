import ArgumentParser
import IMBenchKit

extension IMBenchCommand {
    /// `imbench offline`.
    struct Offline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send to users that are offline, then connect them and sync; report sync time and completeness."
        )

        @OptionGroup(title: "Server Options") var server: ServerOptions
        @OptionGroup(title: "Load Options") var load: LoadOptions
        @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions
        @OptionGroup(title: "Output Options") var output: OutputOptions

        func run() async throws {
            try await runBench(.offline, server: server, load: load, thresholds: thresholds, output: output)
        }
    }
}
