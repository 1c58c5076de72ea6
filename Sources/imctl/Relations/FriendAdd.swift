import ArgumentParser
import IMCtlKit

extension IMCtl.Friend {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make two users friends (both ways unless --one-way).",
            discussion: """
                EXAMPLES
                  imctl friend add --appid 7 42 43
                  imctl friend add --appid 7 42 43 --one-way
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user whose list changes.") var uid: Int64
        @Argument(help: "The friend.") var friend: Int64
        @Flag(help: "Only the first user's list changes.") var oneWay = false
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.FriendAdd(appid: try app.resolve(io: io), uid: uid, friend: friend, oneWay: oneWay)
            }
        }
    }
}
