import ArgumentParser
import IMCtlKit

extension IMCtl.Store {
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the message store's figures: messages, queues, bytes, fsyncs, recovery, snapshots.",
            discussion: """
                EXAMPLES
                  imctl store stats
                  imctl store stats --json | jq .data.average_fsync_microseconds
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.StoreStats() }
        }
    }
}
