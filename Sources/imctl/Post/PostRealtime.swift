import ArgumentParser
import IMCtlKit

extension IMCtl.Post {
    struct Realtime: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a real-time message to the receiver's connected devices (not stored).",
            discussion: """
                EXAMPLES
                  imctl post realtime --appid 7 --sender 1 --receiver 42 '{"typing":true}'
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Option(help: "The sender's uid.") var sender: Int64
        @Option(help: "The receiver's uid.") var receiver: Int64
        @Argument(help: "The content: text, @file, or - for stdin.") var content: String
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.PostRealtime(
                    appid: try app.resolve(io: io),
                    sender: sender,
                    receiver: receiver,
                    content: try IMCtlContent.read(content, io: io)
                )
            }
        }
    }
}
