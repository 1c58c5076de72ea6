import ArgumentParser

extension IMCtl {
    struct Words: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The word filter list.",
            subcommands: [Reload.self, Show.self]
        )
    }
}
