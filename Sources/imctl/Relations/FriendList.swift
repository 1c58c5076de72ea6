import ArgumentParser
import IMCtlKit

extension IMCtl.Friend {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's friends.",
            discussion: """
                EXAMPLES
                  imctl friend list --appid 7 42
                  imctl friend list --appid 7 42 --json | jq '.data.friends'
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user.") var uid: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.FriendList(appid: try app.resolve(io: io), uid: uid)
            }
        }
    }
}
