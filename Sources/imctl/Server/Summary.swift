import ArgumentParser
import IMCtlKit

extension IMCtl {
    struct Summary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the server's counters (GoBelieve's /summary fields and ours).",
            discussion: """
                EXAMPLES
                  imctl summary
                  imctl summary --appid 7 --json | jq .data.app_7
                """
        )

        @Option(help: "Also show this app's online figures (app_<appid>).") var appid: Int64?
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.Summary(appid: appid) }
        }
    }
}
