import IMAdminAPI
import Synchronization

/// Chooses the node `GET /lookup` hands a client: the live node with the fewest connections, counting
/// the clients this server sent it since its last heartbeats could show them (so a burst of reconnecting
/// clients is spread instead of all sent to the node that was emptiest 2 s ago).
final class LookupBalancer: Sendable {
    /// How long a hand-out counts: until two heartbeats of the chosen node have reported it.
    static let horizon: Duration = ClusterMembership.heartbeat * 2

    private let handedOut = TracedMutex<[String: [ContinuousClock.Instant]]>([:])

    /// The chosen node among `nodes`, or nil when none is live with an address.
    func choose(among nodes: [IMNode]) -> IMNode? {
        let candidates = nodes.filter { $0.state == .live && !$0.addresses.isEmpty }
        let now = ContinuousClock.now
        return handedOut.withLock { handedOut -> IMNode? in
            for (id, instants) in handedOut {
                let recent = instants.filter { now - $0 < Self.horizon }
                handedOut[id] = recent.isEmpty ? nil : recent
            }
            let chosen = candidates.min { a, b in
                let loadA = a.connections + Int64(handedOut[a.nodeID]?.count ?? 0)
                let loadB = b.connections + Int64(handedOut[b.nodeID]?.count ?? 0)
                return loadA != loadB ? loadA < loadB : a.nodeID < b.nodeID
            }
            if let chosen { handedOut[chosen.nodeID, default: []].append(now) }
            return chosen
        }
    }
}
