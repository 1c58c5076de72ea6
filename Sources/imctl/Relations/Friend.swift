import ArgumentParser

extension IMCtl {
    struct Friend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Users' friend lists (checked when the server runs with enable_friendship).",
            subcommands: [Add.self, Remove.self, List.self]
        )
    }
}
