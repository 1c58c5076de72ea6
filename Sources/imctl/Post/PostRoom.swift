import ArgumentParser
import IMCtlKit

extension IMCtl.Post {
    struct Room: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post a room message to the users in a chat room now (not stored).",
            discussion: """
                EXAMPLES
                  imctl post room --appid 7 --uid 1 --room 500 'welcome'
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Option(help: "The sender's uid.") var uid: Int64
        @Option(help: "The room id.") var room: Int64
        @Argument(help: "The content: text, @file, or - for stdin.") var content: String
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.PostRoom(
                    appid: try app.resolve(io: io),
                    uid: uid,
                    room: room,
                    content: try IMCtlContent.read(content, io: io)
                )
            }
        }
    }
}
