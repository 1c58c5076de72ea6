import ArgumentParser
import IMCtlKit

extension IMCtl.Store {
    struct Snapshot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the store's index snapshot now, so a restart replays nothing before it.",
            discussion: """
                The server also writes one every snapshot_every_bytes of log, every snapshot_interval and at \
                shutdown; take one by hand before a planned restart or a backup.

                EXAMPLES
                  imctl store snapshot
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.StoreSnapshot() }
        }
    }
}
