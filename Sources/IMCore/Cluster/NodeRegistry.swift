import Foundation
import IMAdminAPI
import Synchronization

/// The cluster's nodes, as `GET /nodes` lists them and `GET /lookup` chooses among them: the `nodes`
/// table with `postgres_url` (`ClusterMembership`), else this server alone (`SingleNode`).
protocol NodeRegistry: Sendable {
    /// Publishes this node's client addresses, once its listeners are bound.
    func advertise(_ addresses: IMNodeAddresses)
    /// Publishes this node's admin API (`http://HOST:PORT`), once it is bound.
    func advertiseAdmin(_ url: String)
    /// Every node known, live and dead, by id.
    func nodes() async throws -> [IMNode]
}

/// A server without a cluster: the only node, always live.
final class SingleNode: NodeRegistry {
    private let nodeID: String
    private let version: String
    private let startedAt = Int64(Date().timeIntervalSince1970)
    private let load: NodeLoad
    private let addresses: TracedMutex<IMNodeAddresses>
    private let admin = TracedMutex<String?>(nil)

    init(configuration: IMServerConfiguration, counters: ServerCounters) {
        nodeID = configuration.nodeID
        version = configuration.version
        load = NodeLoad(counters: counters)
        addresses = TracedMutex(IMNodeAddresses(nodeID: configuration.nodeID))
    }

    func advertise(_ addresses: IMNodeAddresses) {
        self.addresses.withLock { $0 = addresses }
    }

    func advertiseAdmin(_ url: String) {
        admin.withLock { $0 = url }
    }

    func nodes() async throws -> [IMNode] {
        let sample = load.sample()
        return [
            IMNode(
                nodeID: nodeID,
                state: .live,
                addresses: addresses.withLock { $0 },
                heartbeatAgeSeconds: 0,
                startedAt: startedAt,
                version: version,
                connections: sample.connections,
                messagesPerSecond: sample.messagesPerSecond,
                cpu: sample.cpu,
                admin: admin.withLock { $0 }
            )
        ]
    }
}
