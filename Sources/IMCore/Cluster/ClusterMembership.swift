import AsyncAlgorithms
import Foundation
import IMAdminAPI
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// This node's row in the cluster's `nodes` table: registered at start (refused while a live node holds
/// the same `node_id`), a heartbeat every 2 s with its load that extends its lease to 10 s ahead, and at
/// graceful shutdown a lease that ends now. A node whose lease ran out is dead: its presence rows are
/// ignored at once and removed a minute later.
///
/// It also keeps the list of the other live nodes (read with each heartbeat), which the bus uses to
/// skip all cluster work while a node is alone.
final class ClusterMembership: Service, Sendable {
    /// Another live node, as the bus needs it.
    struct Peer: Sendable, Equatable {
        var id: String
        /// Its LISTEN channel.
        var channel: String
    }

    static let heartbeat: Duration = .seconds(2)
    static let lease: Duration = .seconds(10)

    let database: PostgresDatabase
    let nodeID: String
    /// This node's LISTEN channel: `im_node_` and a digest of the id (a channel is an identifier).
    let channel: String
    let incarnation = Int64.random(in: 1...Int64.max)
    private let version: String
    private let load: NodeLoad
    private let peers = TracedMutex<[Peer]>([])
    /// Told the ids of the nodes that were live at one heartbeat and are not at the next.
    private let peersLost = TracedMutex<(@Sendable ([String]) -> Void)?>(nil)
    /// This node's client addresses, once its listeners are bound (written with each heartbeat).
    let addresses: TracedMutex<IMNodeAddresses>
    /// This node's admin API, once bound (written with each heartbeat).
    let admin = TracedMutex<String?>(nil)

    init(database: PostgresDatabase, configuration: IMServerConfiguration, counters: ServerCounters) {
        self.database = database
        self.nodeID = configuration.nodeID
        self.channel = Self.channel(of: configuration.nodeID)
        self.version = configuration.version
        self.load = NodeLoad(counters: counters)
        self.addresses = TracedMutex(IMNodeAddresses(nodeID: configuration.nodeID))
    }

    /// The channel of the node `id`.
    static func channel(of id: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "im_node_" + String(hash, radix: 16)
    }

    /// The other live nodes, as of the last heartbeat.
    var otherNodes: [Peer] { peers.withLock { $0 } }

    /// Calls `handler` with the ids of the nodes that left (stopped, or died: their lease ran out) as
    /// heartbeats find them.
    func onPeersLost(_ handler: @escaping @Sendable ([String]) -> Void) {
        peersLost.withLock { $0 = handler }
    }

    /// Takes this node's row. While a node with this id looks live, waits: if its heartbeat moves on,
    /// another process runs with this `node_id` and the error names it; if its lease runs out (a previous
    /// run of this node that was killed), the row is taken over.
    func register() async throws {
        var firstHeartbeat: Double?
        while let heartbeat = try await claimRow() {
            if let firstHeartbeat, heartbeat != firstHeartbeat {
                throw IMServerError(
                    "node_id \(nodeID) is used by a live node (it heartbeats): give this node another node_id, or stop the other one"
                )
            }
            if firstHeartbeat == nil {
                database.logger.notice(
                    "node_id \(nodeID) looks live: waiting until its heartbeat moves on (another node has this id) or its lease runs out (a previous run that was killed)"
                )
            }
            firstHeartbeat = heartbeat
            try await Task.sleep(for: .milliseconds(500))
        }
        let id = nodeID
        // Rows a previous run of this node left (killed before it could remove them).
        _ = try await database.withinTimeout("clearing node \(id)'s presence") {
            try await self.database.client.query(
                "DELETE FROM presence WHERE node = \(id)",
                logger: self.database.logger
            )
        }
        try await beat()
    }

    /// Inserts this node's row, or takes it over if its lease ran out; nil then, else the live row's
    /// last heartbeat (Unix seconds).
    private func claimRow() async throws -> Double? {
        let (id, incarnation, version, lease) = (nodeID, incarnation, version, Self.lease.seconds)
        return try await database.withinTimeout("registering node \(id)") {
            let rows = try await self.database.client.query(
                """
                INSERT INTO nodes AS n (id, incarnation, version, started_at, heartbeat_at, lease_until)
                VALUES (\(id), \(incarnation), \(version), now(), now(), now() + make_interval(secs => \(lease)))
                ON CONFLICT (id) DO UPDATE
                SET incarnation = EXCLUDED.incarnation, version = EXCLUDED.version, started_at = now(),
                    heartbeat_at = now(), lease_until = EXCLUDED.lease_until, connections = 0,
                    messages_per_second = 0, cpu = 0, tcp = NULL, tls = NULL, ws = NULL, wss = NULL, admin = NULL
                WHERE n.lease_until < now()
                RETURNING 1
                """,
                logger: self.database.logger
            )
            for try await _ in rows { return nil }
            let live = try await self.database.client.query(
                "SELECT extract(epoch FROM heartbeat_at)::float8 FROM nodes WHERE id = \(id)",
                logger: self.database.logger
            )
            for try await heartbeat in live.decode(Double.self) { return heartbeat }
            return 0
        }
    }

    /// Heartbeats until graceful shutdown, then ends the lease.
    func run() async throws {
        let beats = AsyncTimerSequence(interval: Self.heartbeat, clock: .continuous).cancelOnGracefulShutdown()
        for await _ in beats {
            do { try await beat() } catch { database.logger.warning("node heartbeat failed: \(error)") }
        }
        do {
            let (id, incarnation) = (nodeID, incarnation)
            _ = try await database.withinTimeout("leaving the cluster") {
                try await self.database.client.query(
                    """
                    WITH gone AS (DELETE FROM presence WHERE node = \(id))
                    UPDATE nodes SET lease_until = now(), connections = 0
                    WHERE id = \(id) AND incarnation = \(incarnation)
                    """,
                    logger: self.database.logger
                )
            }
        } catch {
            database.logger.warning("could not leave the cluster (the lease runs out in \(Self.lease)): \(error)")
        }
    }

    /// One heartbeat: this node's load and lease, the other live nodes, and the removal of dead nodes'
    /// presence.
    private func beat() async throws {
        let load = load.sample()
        let (id, incarnation, lease) = (nodeID, incarnation, Self.lease.seconds)
        let (connections, perSecond, cpuShare) = (load.connections, load.messagesPerSecond, load.cpu)
        let addresses = addresses.withLock { $0 }
        let admin = admin.withLock { $0 }
        let live = try await database.withinTimeout("node heartbeat") {
            let beat = try await self.database.client.query(
                """
                UPDATE nodes SET heartbeat_at = now(), lease_until = now() + make_interval(secs => \(lease)),
                    connections = \(connections), messages_per_second = \(perSecond), cpu = \(cpuShare),
                    tcp = \(addresses.tcp), tls = \(addresses.tls), ws = \(addresses.ws), wss = \(addresses.wss),
                    admin = \(admin)
                WHERE id = \(id) AND incarnation = \(incarnation)
                RETURNING 1
                """,
                logger: self.database.logger
            )
            var held = false
            for try await _ in beat { held = true }
            guard held else { throw IMServerError("node \(id)'s row was taken by another process") }
            _ = try await self.database.client.query(
                """
                DELETE FROM presence WHERE node IN (
                    SELECT id FROM nodes WHERE lease_until < now() - interval '1 minute')
                """,
                logger: self.database.logger
            )
            var live: [String] = []
            let rows = try await self.database.client.query(
                "SELECT id FROM nodes WHERE lease_until > now() AND id <> \(id) ORDER BY id",
                logger: self.database.logger
            )
            for try await other in rows.decode(String.self) { live.append(other) }
            return live
        }
        let before = peers.withLock { peers -> [Peer] in
            defer { peers = live.map { Peer(id: $0, channel: Self.channel(of: $0)) } }
            return peers
        }
        let lost = before.map(\.id).filter { !live.contains($0) }
        if !lost.isEmpty { peersLost.withLock { $0 }?(lost) }
    }
}
