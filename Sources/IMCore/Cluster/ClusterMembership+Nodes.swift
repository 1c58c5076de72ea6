import IMAdminAPI
import PostgresNIO

/// The `nodes` table as `/nodes` and `/lookup` read it.
extension ClusterMembership: NodeRegistry {
    /// Publishes the addresses now (a node is not handed out by `/lookup` before), and with every
    /// heartbeat after.
    func advertise(_ addresses: IMNodeAddresses) {
        self.addresses.withLock { $0 = addresses }
        let (id, incarnation) = (nodeID, incarnation)
        database.run("publishing node \(id)'s addresses") {
            try await self.database.client.query(
                """
                UPDATE nodes SET tcp = \(addresses.tcp), tls = \(addresses.tls), ws = \(addresses.ws),
                    wss = \(addresses.wss)
                WHERE id = \(id) AND incarnation = \(incarnation)
                """,
                logger: self.database.logger
            )
        } completion: { result in
            if case .failure(let error) = result {
                self.database.logger.warning(
                    "could not publish node \(id)'s addresses (the next heartbeat does): \(PostgresDatabase.describe(error))"
                )
            }
        }
    }

    /// Publishes the admin API now, and with every heartbeat after.
    func advertiseAdmin(_ url: String) {
        admin.withLock { $0 = url }
        let (id, incarnation) = (nodeID, incarnation)
        database.run("publishing node \(id)'s admin address") {
            try await self.database.client.query(
                "UPDATE nodes SET admin = \(url) WHERE id = \(id) AND incarnation = \(incarnation)",
                logger: self.database.logger
            )
        } completion: { result in
            if case .failure(let error) = result {
                self.database.logger.warning(
                    "could not publish node \(id)'s admin address (the next heartbeat does): \(PostgresDatabase.describe(error))"
                )
            }
        }
    }

    func nodes() async throws -> [IMNode] {
        try await database.withinTimeout("reading the nodes") {
            let rows = try await self.database.client.query(
                """
                SELECT id, tcp, tls, ws, wss, lease_until > now(),
                    extract(epoch FROM now() - heartbeat_at)::float8, extract(epoch FROM started_at)::bigint,
                    version, connections, messages_per_second, cpu, admin
                FROM nodes ORDER BY id
                """,
                logger: self.database.logger
            )
            var nodes: [IMNode] = []
            for try await row in rows.decode(
                (String, String?, String?, String?, String?, Bool, Double, Int64, String, Int64, Double, Double, String?)
                    .self
            ) {
                let (id, tcp, tls, ws, wss, live, age, startedAt, version, connections, perSecond, cpu, admin) = row
                nodes.append(
                    IMNode(
                        nodeID: id,
                        state: live ? .live : .dead,
                        addresses: IMNodeAddresses(nodeID: id, tcp: tcp, tls: tls, ws: ws, wss: wss),
                        heartbeatAgeSeconds: (age * 1000).rounded() / 1000,
                        startedAt: startedAt,
                        version: version,
                        connections: connections,
                        messagesPerSecond: perSecond,
                        cpu: cpu,
                        admin: admin
                    )
                )
            }
            return nodes
        }
    }
}
