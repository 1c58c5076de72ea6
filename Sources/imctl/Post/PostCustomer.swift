import ArgumentParser
import IMCtlKit

extension IMCtl.Post {
    struct Customer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post a customer-service message between two apps, stored for both users.",
            discussion: """
                EXAMPLES
                  imctl post customer --sender-appid 7 --sender 1 --receiver-appid 8 --receiver 99 'how can I help?'
                """
        )

        @Option(help: "The sender's app id.") var senderAppid: Int64
        @Option(help: "The sender's uid.") var sender: Int64
        @Option(help: "The receiver's app id.") var receiverAppid: Int64
        @Option(help: "The receiver's uid.") var receiver: Int64
        @Argument(help: "The content (UTF-8 text): text, @file, or - for stdin.") var content: String
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.PostCustomer(
                    senderAppid: senderAppid,
                    sender: sender,
                    receiverAppid: receiverAppid,
                    receiver: receiver,
                    content: try IMCtlContent.read(content, io: io)
                )
            }
        }
    }
}
