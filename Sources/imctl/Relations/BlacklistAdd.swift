import ArgumentParser
import IMCtlKit

extension IMCtl.Blacklist {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a user block another: the other's peer messages to them are refused.",
            discussion: """
                EXAMPLES
                  imctl blacklist add --appid 7 42 666
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user who blocks.") var uid: Int64
        @Argument(help: "The user blocked.") var other: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.BlacklistAdd(appid: try app.resolve(io: io), uid: uid, other: other)
            }
        }
    }
}
