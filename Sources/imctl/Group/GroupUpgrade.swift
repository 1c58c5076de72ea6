import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a normal group into a super group.",
            discussion: """
                EXAMPLES
                  imctl group upgrade 1001
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.GroupUpgrade(group: group) }
        }
    }
}
