import ArgumentParser
import IMCtlKit

extension IMCtl.Friend {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make two users no longer friends (both ways unless --one-way).",
            discussion: """
                EXAMPLES
                  imctl friend remove --appid 7 42 43
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user whose list changes.") var uid: Int64
        @Argument(help: "The friend.") var friend: Int64
        @Flag(help: "Only the first user's list changes.") var oneWay = false
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.FriendRemove(appid: try app.resolve(io: io), uid: uid, friend: friend, oneWay: oneWay)
            }
        }
    }
}
