import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a member from a group.",
            discussion: """
                EXAMPLES
                  imctl group remove 1001 42
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Argument(help: "The member's uid.") var uid: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.GroupRemove(group: group, uid: uid) }
        }
    }
}
