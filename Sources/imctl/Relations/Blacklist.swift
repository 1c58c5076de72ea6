import ArgumentParser

extension IMCtl {
    struct Blacklist: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Users' blacklists (checked when the server runs with enable_blacklist).",
            subcommands: [Add.self, Remove.self, List.self]
        )
    }
}
