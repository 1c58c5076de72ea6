import ArgumentParser
import IMCtlKit

extension IMCtl.Store {
    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a replica (replica_of) into a primary: it stops following and takes messages.",
            discussion: """
                The replica stops copying its primary's log (a copy in flight is finished first), then \
                takes appends; its ids continue after the highest it has seen. Messages the old primary \
                ACKed after the replica's last copy are not on it: with replication = "async", /summary's \
                replication.primary shows how far behind it was. Remove replica_of from its configuration \
                before its next start (it refuses to follow again once promoted). The old primary must not \
                serve again as a primary: move its data directory aside and start it with replica_of \
                naming this server. Refused (409) by a primary.

                EXAMPLES
                  imctl --server 10.0.0.2:8080 store promote
                  imctl store promote --json
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.StorePromote() }
        }
    }
}
