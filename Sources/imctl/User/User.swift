import ArgumentParser

extension IMCtl {
    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A user's connections, mute flag and messages.",
            subcommands: [
                Kick.self, Online.self, Mute.self, Unmute.self, OfflineCount.self, History.self, Latest.self,
            ]
        )
    }
}
