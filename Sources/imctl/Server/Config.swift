import ArgumentParser

extension IMCtl {
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The server's configuration.",
            subcommands: [Show.self]
        )
    }
}
