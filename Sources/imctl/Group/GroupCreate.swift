import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a group; prints its id.",
            discussion: """
                The first member owns the group unless --master names another. A super group keeps one \
                message queue that members sync (for big groups); a normal group copies each message to every \
                member's queue.

                EXAMPLES
                  imctl group create --appid 7 --name "Ops" 1 2 3
                  imctl group create --appid 7 --super --group-id 5000 --master 1 1 2 3 --notify --json
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "Members' uids (space- or comma-separated).") var members: [IMCtlIDList]
        @Flag(name: .customLong("super"), help: "Create a super group.") var isSuper = false
        @Option(help: "The group's name.") var name: String?
        @Option(help: "The group's notice.") var notice: String?
        @Option(help: "Use this group id (default: the server picks one).") var groupId: Int64?
        @Option(help: "The owner's uid (default: the first member).") var master: Int64?
        @Flag(help: "Also post the change to the members as a group notification (GoBelieve's JSON).") var notify =
            false
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.GroupCreate(
                    appid: try app.resolve(io: io),
                    members: members.flattened,
                    isSuper: isSuper,
                    name: name,
                    notice: notice,
                    groupID: groupId,
                    master: master,
                    notify: notify
                )
            }
        }
    }
}
