import ArgumentParser
import IMCtlKit

extension IMCtl.Blacklist {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the users a user blocks.",
            discussion: """
                EXAMPLES
                  imctl blacklist list --appid 7 42
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user.") var uid: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.BlacklistList(appid: try app.resolve(io: io), uid: uid)
            }
        }
    }
}
