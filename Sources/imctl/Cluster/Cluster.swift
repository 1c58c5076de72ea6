import ArgumentParser
import IMCtlKit

extension IMCtl {
    struct Cluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The cluster's nodes: which are live, their load, and where a client should connect.",
            subcommands: [Nodes.self, Lookup.self]
        )
    }
}

extension IMCtl.Cluster {
    struct Nodes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every node of the cluster: state, heartbeat age, load, client addresses, version.",
            discussion: """
                Any node answers for the whole cluster (the nodes table in PostgreSQL); a server without \
                postgres_url lists itself. A node is dead once its lease (10 s) ran out.

                EXAMPLES
                  imctl cluster nodes
                  imctl cluster nodes --json | jq -r '.data[] | select(.state == "live") | .tcp'
                """
        )

        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { _ throws(IMCtlFailure) in IMCtlOp.ClusterNodes() }
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where a user's client should connect: the least-loaded live node's addresses.",
            discussion: """
                Exits 1 with the server's message when no node is live (HTTP 503).

                EXAMPLES
                  imctl cluster lookup --appid 7 --uid 42
                  imctl cluster lookup --appid 7 --uid 42 --json | jq -r .data.tcp
                """
        )

        @OptionGroup var app: IMCtlAppOption
        @Option(help: "The user about to connect.") var uid: Int64
        @OptionGroup var global: IMCtlGlobalOptions

        func run() async throws {
            try await global.run { io throws(IMCtlFailure) in
                IMCtlOp.ClusterLookup(appid: try app.resolve(io: io), uid: uid)
            }
        }
    }
}
