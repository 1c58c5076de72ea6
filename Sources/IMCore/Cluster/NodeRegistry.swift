import Foundation
import IMAdminAPI
import Synchronization

/// The cluster's nodes, as `GET /nodes` lists them and `GET /lookup` chooses among them: the `nodes`
/// table with `postgres_url` (`ClusterMembership`), else this server alone (`SingleNode`).
protocol NodeRegistry: Sendable {
    /// Publishes this node's client addresses, once its listeners are bound.
    func advertise(_ addresses: IMNodeAddresses)
    /// Every node known, live and dead, by id.
    func nodes() async throws -> [IMNode]
}

/// A server without a cluster: the only node, always live.
final class SingleNode: NodeRegistry {
    private let nodeID: String
    private let version: String
    private let startedAt = Int64(Date().timeIntervalSince1970)
    private let load: NodeLoad
    private let addresses: Mutex<IMNodeAddresses>

    init(configuration: IMServerConfiguration, counters: ServerCounters) {
        nodeID = configuration.nodeID
        version = configuration.version
        load = NodeLoad(counters: counters)
        addresses = Mutex(IMNodeAddresses(nodeID: configuration.nodeID))
    }

    func advertise(_ addresses: IMNodeAddresses) {
        self.addresses.withLock { $0 = addresses }
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
                cpu: sample.cpu
            )
        ]
    }
}

/// This node's load as heartbeats report it: connections now, and messages from clients and CPU seconds
/// per second since the previous sample.
final class NodeLoad: Sendable {
    struct Sample {
        var connections: Int64
        var messagesPerSecond: Double
        var cpu: Double
    }

    private struct Last {
        var at = ContinuousClock.now
        var messages = 0
        var cpuSeconds = ProcessStats.current().cpuSeconds
    }

    private let counters: ServerCounters
    private let last = Mutex(Last())

    init(counters: ServerCounters) {
        self.counters = counters
    }

    func sample() -> Sample {
        let now = ContinuousClock.now
        let cpu = ProcessStats.current().cpuSeconds
        let messages = counters.inMessages.load(ordering: .relaxed)
        let (perSecond, share) = last.withLock { last -> (Double, Double) in
            let elapsed = max(0.001, ClusterMembership.seconds(now - last.at))
            defer { last = Last(at: now, messages: messages, cpuSeconds: cpu) }
            return (Double(messages - last.messages) / elapsed, (cpu - last.cpuSeconds) / elapsed)
        }
        return Sample(
            connections: Int64(counters.connections.load(ordering: .relaxed)),
            messagesPerSecond: (perSecond * 10).rounded() / 10,
            cpu: (share * 1000).rounded() / 1000
        )
    }
}
