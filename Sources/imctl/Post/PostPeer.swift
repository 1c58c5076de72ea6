import ArgumentParser
import IMCtlKit

extension IMCtl.Post {
    struct Peer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post a peer message: stored for the sender and the receiver, who are notified.",
            discussion: """
                EXAMPLES
                  imctl post peer --appid 7 --sender 1 --receiver 42 '{"text":"hello"}'
                  imctl post peer --appid 7 --sender 1 --receiver 42 @message.json
                  echo '{"text":"hi"}' | imctl post peer --appid 7 --sender 1 --receiver 42 -
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Option(help: "The sender's uid.") var sender: Int64
        @Option(help: "The receiver's uid.") var receiver: Int64
        @Argument(help: "The content: text, @file, or - for stdin.") var content: String
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.PostPeer(
                    appid: try app.resolve(io: io),
                    sender: sender,
                    receiver: receiver,
                    content: try IMCtlContent.read(content, io: io)
                )
            }
        }
    }
}
