import ArgumentParser
import IMCtlKit

extension IMCtl.User {
    struct Online: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show users' sessions: device, platform, protocol version, address, login time, idle time.",
            discussion: """
                With uids, one entry per user in that order (offline users too); without, the app's online \
                users by uid, at most --limit.

                EXAMPLES
                  imctl user online --appid 7 42
                  imctl user online --appid 7 1,2,3 --csv
                  imctl user online --appid 7 --limit 100 --ndjson
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Argument(help: "uids (space- or comma-separated); none: the app's online users.") var uids: [IMCtlIDList] = []
        @Option(help: "Without uids: list at most this many users (server default 1000).") var limit: Int64?
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.UserOnline(appid: try app.resolve(io: io), uids: uids.flattened, limit: limit)
            }
        }
    }
}
