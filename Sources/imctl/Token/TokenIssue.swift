import ArgumentParser
import IMCtlKit

extension IMCtl.Token {
    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a login token for a user; prints the token alone.",
            discussion: """
                The server stores only a hash of the token; it works until revoked or, with --ttl, until it \
                expires.

                EXAMPLES
                  TOKEN=$(imctl token issue --appid 7 --uid 42)
                  imctl token issue --appid 7 --uid 42 --ttl 7d --json
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Option(help: "The user's uid.") var uid: Int64
        @Option(
            help: ArgumentHelp(
                "How long it is valid: 3600, 90m, 12h, 30d (default: until revoked).",
                valueName: "duration"
            )
        )
        var ttl: String?
        @OptionGroup var global: IMCtlGlobalOptions

        func validate() throws {
            if let ttl, IMCtlDuration.parse(ttl) == nil {
                throw ValidationError("--ttl: expected a duration like 3600, 90m, 12h or 30d, got \"\(ttl)\"")
            }
        }

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.TokenIssue(
                    appid: try app.resolve(io: io),
                    uid: uid,
                    ttl: ttl.flatMap(IMCtlDuration.parse).map { IMCtlSeconds(IMCtlDuration.wholeSeconds($0)) }
                )
            }
        }
    }
}
