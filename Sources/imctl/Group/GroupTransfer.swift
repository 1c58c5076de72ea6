import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make another user the group's owner (master).",
            discussion: """
                EXAMPLES
                  imctl group transfer 1001 42
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Argument(help: "The new owner's uid.") var uid: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.GroupTransfer(group: group, uid: uid) }
        }
    }
}
