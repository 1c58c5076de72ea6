import ArgumentParser
import IMCtlKit

extension IMCtl.Group {
    struct Notice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a group's notice.",
            discussion: """
                EXAMPLES
                  imctl group notice 1001 "standup at 10:00"
                  imctl group notice 1001 @notice.txt
                """
        )

        @Argument(help: "The group id.") var group: Int64
        @Argument(help: "The notice: text, @file, or - for stdin.") var notice: String
        @Flag(help: "Also post the change to the members as a group notification (GoBelieve's JSON).") var notify =
            false
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.GroupNotice(
                    group: group,
                    notice: try IMCtlContent.read(notice, name: "notice", io: io).text(field: "notice"),
                    notify: notify
                )
            }
        }
    }
}
