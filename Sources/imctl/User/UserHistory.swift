import ArgumentParser
import IMCtlKit

extension IMCtl.User {
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's messages after a message id, oldest first (one sync page).",
            discussion: """
                To page on, pass the last id shown as --last-id.

                EXAMPLES
                  imctl user history --appid 7 42
                  imctl user history --appid 7 42 --last-id 1200 --ndjson
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user's uid.") var uid: Int64
        @Option(help: "Start after this message id (default 0: from the start).") var lastId: Int64?
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.UserHistory(appid: try app.resolve(io: io), uid: uid, lastID: lastId)
            }
        }
    }
}
