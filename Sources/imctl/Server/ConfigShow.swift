import ArgumentParser
import IMCtlKit

extension IMCtl.Config {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the configuration the server runs with; secrets are redacted.",
            discussion: """
                Keys are those of imd's config file; durations are in seconds and sizes in bytes.

                EXAMPLES
                  imctl config show
                  imctl config show --json | jq .data.storage
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.ConfigShow() }
        }
    }
}
