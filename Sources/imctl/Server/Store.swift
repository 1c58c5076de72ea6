import ArgumentParser

extension IMCtl {
    struct Store: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The message store: figures, index snapshots, retention and promotion.",
            subcommands: [Stats.self, Snapshot.self, Compact.self, Promote.self]
        )
    }
}
