import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove members from a group.",
            discussion: """
                With one uid, a user who is not a member is an error (exit 1); with several, those not in \
                the group are skipped and the reply says how many were removed.

                EXAMPLES
                  imctl group remove 1001 42
                  imctl group remove 1001 4,5,6 --notify
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Argument(help: "The members' uids (space- or comma-separated).") var members: [IMCtlIDList]
        @Flag(help: "Also post the change to the members as a group notification (GoBelieve's JSON).") var notify =
            false
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in
                IMCtlOp.GroupRemove(group: group, members: members.flattened, notify: notify)
            }
        }
    }
}
