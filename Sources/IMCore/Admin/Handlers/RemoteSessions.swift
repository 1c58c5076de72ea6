import IMAdminAPI
import IMAdminClient

/// Other nodes' sessions of some users, for `GET /users/online` in a cluster: each node that holds some
/// of them (`presence`) is asked for its own (`/users/online?local=true`) through its admin API (`admin`
/// in `nodes`), with this node's admin token, all nodes at once. A node that cannot be asked (no admin
/// address, another token, no answer within 5 s) is left out and logged; its users still count as online.
enum RemoteSessions {
    /// The sessions on other nodes, by uid.
    static func of(_ users: [UserKey], appID: Int64, _ admin: AdminContext) async -> [Int64: [IMOnlineUser.Session]] {
        let holders: [UserKey: [String]]
        do {
            holders = try await admin.core.bus.otherNodes(of: users)
        } catch {
            admin.core.logger.warning("could not read where users have sessions: \(error)")
            return [:]
        }
        guard !holders.isEmpty else { return [:] }
        var uidsByNode: [String: [Int64]] = [:]
        for (user, nodes) in holders {
            for node in nodes { uidsByNode[node, default: []].append(user.uid) }
        }
        let addresses = Dictionary(
            ((try? await admin.core.nodes.nodes()) ?? []).compactMap { node in node.admin.map { (node.nodeID, $0) } },
            uniquingKeysWith: { first, _ in first }
        )
        var configuration = IMAdminClientConfiguration(token: admin.core.configuration.admin.token)
        configuration.timeout = .seconds(5)
        configuration.userAgent = "imd \(admin.core.configuration.nodeID)"
        let logger = admin.core.logger
        do {
            return try await IMAdminClient.withClient(configuration) { client in
                await withTaskGroup(of: [IMOnlineUser].self) { group in
                    for (node, uids) in uidsByNode {
                        group.addTask {
                            do {
                                guard let address = addresses[node] else {
                                    throw IMServerError("it publishes no admin address")
                                }
                                let query = IMAdmin.OnlineQuery(appid: appID, uids: uids.sorted(), local: true)
                                let server = try IMAdminServerURL(parsing: address)
                                return try await client.exchange(IMAdmin.UsersOnline.self, query, server: server).response
                            } catch {
                                logger.warning("could not list the sessions on node \(node): \(error)")
                                return []
                            }
                        }
                    }
                    var sessions: [Int64: [IMOnlineUser.Session]] = [:]
                    for await users in group {
                        for user in users { sessions[user.uid, default: []] += user.sessions }
                    }
                    return sessions
                }
            }
        } catch {
            logger.warning("could not list other nodes' sessions: \(error)")
            return [:]
        }
    }
}
