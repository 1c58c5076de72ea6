import IMAdminClient
import IMCore

/// Which node of a cluster each connection goes to: with `--nodes`, by the user's place in the run
/// (a peer pair on one node, or with `--cross-node` on neighbouring ones; every other scenario round
/// robin), and with `--lookup`, wherever `GET /lookup` sends the user. All of a user's devices go to one
/// node, so a multi-device run crosses nodes only where its users do.
struct NodePlacement: Sendable {
    let configuration: BenchConfiguration
    /// Each user's place in the run.
    let positions: [Int64: Int]

    init(configuration: BenchConfiguration, users: [BenchUser]) {
        self.configuration = configuration
        var positions: [Int64: Int] = [:]
        for (position, user) in users.enumerated() where positions[user.uid] == nil { positions[user.uid] = position }
        self.positions = positions
    }

    /// `specs`, each with its node.
    func place(_ specs: [ConnectionSpec]) async throws -> [ConnectionSpec] {
        if let url = configuration.lookupURL { return try await lookUp(specs, url: url) }
        let nodes = configuration.nodes
        guard nodes.count > 1 else { return specs }
        return specs.map { spec in
            var placed = spec
            let position = positions[spec.user.uid] ?? spec.index
            // Pair members are neighbours in the run: consecutive places fall on different nodes.
            let slot = configuration.scenario == .peer && !configuration.crossNode ? position / 2 : position
            placed.node = nodes[slot % nodes.count]
            return placed
        }
    }

    /// Asks `/lookup` for each user (32 at a time), as a client would before connecting.
    private func lookUp(_ specs: [ConnectionSpec], url: String) async throws -> [ConnectionSpec] {
        let uids = Array(Set(specs.map(\.user.uid)))
        let transport = configuration.transport
        let appID = configuration.appID
        let found = try await BenchAdminClient.with(
            url: url,
            token: configuration.adminToken,
            timeout: .seconds(10),
            connections: 32
        ) { client in
            try await withThrowingTaskGroup(of: (Int64, IMServerConfiguration.Endpoint).self) { group in
                var next = 0
                var found: [Int64: IMServerConfiguration.Endpoint] = [:]
                func add() {
                    let uid = uids[next]
                    next += 1
                    group.addTask { (uid, try await Self.lookUp(client, url: url, appID: appID, uid: uid, transport)) }
                }
                while next < min(uids.count, 32) { add() }
                while let (uid, node) = try await group.next() {
                    found[uid] = node
                    if next < uids.count { add() }
                }
                return found
            }
        }
        return specs.map { spec in
            var placed = spec
            placed.node = found[spec.user.uid]
            return placed
        }
    }

    /// Where `/lookup` sends `uid` over `transport`.
    static func lookUp(
        _ client: IMAdminClient,
        url: String,
        appID: Int64,
        uid: Int64,
        _ transport: IMTransport
    ) async throws -> IMServerConfiguration.Endpoint {
        let addresses: IMNodeAddresses
        do {
            addresses = try await client.call(IMAdmin.Lookup.self, .init(appid: appID, uid: uid))
        } catch {
            throw BenchAdminClient.failure(error, url: url, call: "GET \(url)/lookup for uid \(uid)")
        }
        guard let address = addresses[transport], let endpoint = IMServerConfiguration.Endpoint(parsing: address) else {
            throw BenchError(
                .provision,
                "GET \(url)/lookup sent uid \(uid) to node \(addresses.nodeID), which serves no \(transport)"
            )
        }
        return endpoint
    }
}
