import ArgumentParser
import IMCtlKit

extension IMCtl {
    struct Stack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the server's thread, session and store dump (for a stuck server); it is logged too.",
            discussion: """
                EXAMPLES
                  imctl stack > stack.txt
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.Stack() }
        }
    }
}
