import ArgumentParser
import IMCtlKit

extension IMCtl.User {
    struct Latest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's newest messages, oldest first.",
            discussion: """
                EXAMPLES
                  imctl user latest --appid 7 42
                  imctl user latest --appid 7 42 --limit 100 --csv > messages.csv
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user's uid.") var uid: Int64
        @Option(help: "How many (1...10000).") var limit: Int64 = 20
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.UserLatest(appid: try app.resolve(io: io), uid: uid, limit: limit)
            }
        }
    }
}
