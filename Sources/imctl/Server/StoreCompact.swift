import ArgumentParser
import IMCtlKit

extension IMCtl.Store {
    struct Compact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the store's retention now: delete the oldest segments it no longer keeps.",
            discussion: """
                Whole segments whose newest message is older than storage.retention, and the oldest \
                segments while the store takes more than storage.retention_bytes, are deleted; never the \
                segment being written. The server also does this every minute. With neither setting, \
                nothing is deleted. A sync from a key older than what is kept starts at the oldest kept \
                message. Refused (409) by a server on PostgreSQL.

                EXAMPLES
                  imctl store compact
                  imctl store compact --json
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.StoreCompact() }
        }
    }
}
