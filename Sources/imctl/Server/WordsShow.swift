import ArgumentParser
import IMCtlKit

extension IMCtl.Words {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the word file and how many words are in use.",
            discussion: """
                EXAMPLES
                  imctl words show
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.WordsShow() }
        }
    }
}
