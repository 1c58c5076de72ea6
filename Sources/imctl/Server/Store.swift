import ArgumentParser

extension IMCtl {
    struct Store: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The message store: figures, index snapshots and retention.",
            subcommands: [Stats.self, Snapshot.self, Compact.self]
        )
    }
}
