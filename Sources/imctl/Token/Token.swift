import ArgumentParser

extension IMCtl {
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue and revoke users' login tokens.",
            subcommands: [Issue.self, Revoke.self]
        )
    }
}
