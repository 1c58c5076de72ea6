import ArgumentParser
import IMCtlKit

extension IMCtl.Post {
    struct Group: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post a group message from a member to a group.",
            discussion: """
                EXAMPLES
                  imctl post group --appid 7 --sender 1 --group 1001 '{"text":"hello all"}'
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Option(help: "The sender's uid (a member).") var sender: Int64
        @Option(help: "The group id.") var group: Int64
        @Argument(help: "The content: text, @file, or - for stdin.") var content: String
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.PostGroup(
                    appid: try app.resolve(io: io),
                    sender: sender,
                    group: group,
                    content: try IMCtlContent.read(content, io: io)
                )
            }
        }
    }
}
