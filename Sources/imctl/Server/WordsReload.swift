import ArgumentParser
import IMCtlKit

extension IMCtl.Words {
    struct Reload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the server re-read its word filter list; prints how many words it has.",
            discussion: """
                EXAMPLES
                  imctl words reload
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.WordsReload() }
        }
    }
}
