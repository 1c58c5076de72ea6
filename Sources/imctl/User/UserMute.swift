import ArgumentParser
import IMCtlKit

extension IMCtl.User {
    struct Mute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forbid a user to speak (the user's \"forbidden\" flag, kept across restarts).",
            discussion: """
                EXAMPLES
                  imctl user mute --appid 7 42
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user's uid.") var uid: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.UserMute(appid: try app.resolve(io: io), uid: uid)
            }
        }
    }
}
