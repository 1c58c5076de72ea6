import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add members to a group.",
            discussion: """
                EXAMPLES
                  imctl group add 1001 4 5 6
                  imctl group add 1001 7,8,9 --notify --json
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Argument(help: "The new members' uids (space- or comma-separated).") var members: [IMCtlIDList]
        @Flag(help: "Also post the change to the members as a group notification (GoBelieve's JSON).") var notify =
            false
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in
                IMCtlOp.GroupAdd(group: group, members: members.flattened, notify: notify)
            }
        }
    }
}
