import ArgumentParser

extension IMCtl {
    struct Store: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The message store: figures and index snapshots.",
            subcommands: [Stats.self, Snapshot.self]
        )
    }
}
