import ArgumentParser
import IMCtlKit

extension IMCtl.Post {
    struct System: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post a system message, stored once for every receiver.",
            discussion: """
                The content must be UTF-8 text (the endpoint takes a JSON string). For very many receivers, \
                split them over batch lines (imctl batch --help).

                EXAMPLES
                  imctl post system --appid 7 --receivers 1,2,3 'maintenance at 02:00'
                  imctl post system --appid 7 --receivers 42 @notice.txt --json
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Option(help: "Receivers' uids, comma-separated; repeatable.") var receivers: [IMCtlIDList]
        @Argument(help: "The content: text, @file, or - for stdin.") var content: String
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.PostSystem(
                    appid: try app.resolve(io: io),
                    receivers: receivers.flattened,
                    content: try IMCtlContent.read(content, io: io)
                )
            }
        }
    }
}
