import ArgumentParser
import IMCtlKit

extension IMCtl.Post {
    struct Notification: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a notification to a user's devices now (not stored), or to a group's members.",
            discussion: """
                With --uid the notification goes to the user's connected sessions only. With --group it is a \
                group notification, stored for every member (UTF-8 text).

                EXAMPLES
                  imctl post notification --appid 7 --uid 42 '{"badge":3}'
                  imctl post notification --appid 7 --group 1001 'the group was renamed'
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Option(help: "The user to notify.") var uid: Int64?
        @Option(help: "The group to notify.") var group: Int64?
        @Argument(help: "The content: text, @file, or - for stdin.") var content: String
        @OptionGroup var global: IMCtlGlobalOptions

        func validate() throws {
            if (uid == nil) == (group == nil) { throw ValidationError("give either --uid or --group") }
        }

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.PostNotification(
                    appid: try app.resolve(io: io),
                    uid: uid,
                    group: group,
                    content: try IMCtlContent.read(content, io: io)
                )
            }
        }
    }
}
