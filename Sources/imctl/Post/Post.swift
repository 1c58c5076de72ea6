import ArgumentParser

extension IMCtl {
    struct Post: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post messages as the app server does (GoBelieve's /post_* endpoints).",
            discussion: """
                The content (CONTENT) is the message body as the clients receive it: give it as an argument, \
                as @file to send a file's bytes, or as - to read stdin.
                """,
            subcommands: [
                Peer.self, Group.self, System.self, Room.self, Customer.self, Realtime.self, Notification.self,
            ]
        )
    }
}
