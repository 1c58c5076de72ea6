import ArgumentParser
import IMCtlKit

extension IMCtl.User {
    struct Unmute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a muted user speak again.",
            discussion: """
                EXAMPLES
                  imctl user unmute --appid 7 42
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user's uid.") var uid: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.UserUnmute(appid: try app.resolve(io: io), uid: uid)
            }
        }
    }
}
