import ArgumentParser
import IMCtlKit

extension IMCtl {
    struct Metrics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the server's Prometheus metrics.",
            discussion: """
                EXAMPLES
                  imctl metrics | grep ^im_
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.Metrics() }
        }
    }
}
