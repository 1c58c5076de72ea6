import ArgumentParser
import IMCtlKit

extension IMCtl.User {
    struct OfflineCount: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the messages a user has not synced yet.",
            discussion: """
                Counts the messages after --sync-key, or after the key the user's clients stored on the \
                server.

                EXAMPLES
                  imctl user offline-count --appid 7 42
                  imctl user offline-count --appid 7 42 --sync-key 1200 --json
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "The user's uid.") var uid: Int64
        @Option(help: "Count after this message id (default: the server-stored sync key).") var syncKey: Int64?
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.UserOfflineCount(appid: try app.resolve(io: io), uid: uid, syncKey: syncKey)
            }
        }
    }
}
