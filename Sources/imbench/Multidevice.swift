import ArgumentParser
import IMBenchKit

extension IMBenchCommand {
    /// `imbench multidevice`.
    struct Multidevice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Pairs whose receiver has --devices connections and whose sender has a second device; every device must get every message."
        )

        @OptionGroup(title: "Server Options") var server: ServerOptions
        @OptionGroup(title: "Load Options") var load: LoadOptions
        @OptionGroup(title: "Thresholds") var thresholds: ThresholdOptions
        @OptionGroup(title: "Output Options") var output: OutputOptions

        func run() async throws {
            try await runBench(.multidevice, server: server, load: load, thresholds: thresholds, output: output)
        }
    }
}
