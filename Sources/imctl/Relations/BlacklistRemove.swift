import ArgumentParser
import IMCtlKit

extension IMCtl.Blacklist {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unblock a user.",
            discussion: """
                EXAMPLES
                  imctl blacklist remove --appid 7 42 666
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user who blocked.") var uid: Int64
        @Argument(help: "The user to unblock.") var other: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.BlacklistRemove(appid: try app.resolve(io: io), uid: uid, other: other)
            }
        }
    }
}
