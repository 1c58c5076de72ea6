import IMAdminAPI

/// The cluster's nodes: `/nodes` lists them, `/lookup` tells a client where to connect.
enum ClusterHandlers {
    /// `GET /nodes`: every node, live and dead.
    static func nodes(_ admin: AdminContext, _ request: IMAdminNone) async throws -> [IMNode] {
        try await read(admin)
    }

    /// `GET /lookup?appid&uid`: the addresses of the least-loaded live node; 503 if none is live.
    static func lookup(_ admin: AdminContext, _ request: IMAdmin.UserQuery) async throws -> IMNodeAddresses {
        let nodes = try await read(admin)
        guard let chosen = admin.core.lookups.choose(among: nodes) else {
            let dead = nodes.filter { $0.state == .dead }.count
            throw AdminError(
                .serviceUnavailable,
                "no live node serves clients (\(nodes.count) known, \(dead) dead): start imd, or wait for a node to heartbeat"
            )
        }
        return chosen.addresses
    }

    /// The nodes; a database that cannot be read is a 503 naming it.
    private static func read(_ admin: AdminContext) async throws -> [IMNode] {
        do {
            return try await admin.core.nodes.nodes()
        } catch {
            let place = admin.core.database?.place ?? "the cluster's database"
            throw AdminError(
                .serviceUnavailable,
                "cannot read the nodes from \(place): \(PostgresDatabase.describe(error))"
            )
        }
    }
}
