import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the groups of an app (or, without --appid and IMCTL_APPID, of every app).",
            discussion: """
                EXAMPLES
                  imctl group list --appid 7
                  imctl group list --appid 7 --ndjson | jq .group_id
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in IMCtlOp.GroupList(appid: try app.resolveIfGiven(io: io)) }
        }
    }
}
