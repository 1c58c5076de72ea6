import Foundation
import Synchronization

/// The replicas connected to this primary and how far each has its log durably: their lag for
/// `/summary`, the oldest segment retention must keep, and (`replication = "sync"`) which batches enough
/// replicas have to be ACKed.
final class ReplicaRegistry: Sendable {
    struct Replica: Sendable {
        var name: String
        var address: String
        var connectedAt: Date
        var progress: MirrorProgress
        var ackedAt: Date
    }

    private let replicas = TracedMutex<[Int: Replica]>([:])
    private let nextID = Atomic<Int>(0)

    /// Registers a replica that connected from `address` at `progress`; returns its id.
    func add(name: String, address: String, progress: MirrorProgress) -> Int {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let now = Date()
        replicas.withLock { $0[id] = Replica(name: name, address: address, connectedAt: now, progress: progress, ackedAt: now) }
        return id
    }

    func remove(_ id: Int) {
        replicas.withLock { _ = $0.removeValue(forKey: id) }
    }

    /// A replica has the log durably up to `progress`.
    func acknowledged(_ id: Int, _ progress: MirrorProgress) {
        replicas.withLock { replicas in
            replicas[id]?.progress = progress
            replicas[id]?.ackedAt = Date()
        }
    }

    var all: [Replica] {
        replicas.withLock { Array($0.values) }.sorted { $0.connectedAt < $1.connectedAt }
    }

    /// The oldest segment a connected replica is in (nil with none connected).
    var floor: UInt32? {
        replicas.withLock { $0.values.map { max($0.progress.position.segment, 1) }.min() }
    }

    /// The position at least `count` connected replicas have durably (nil when fewer are connected).
    func position(heldBy count: Int) -> LogPosition? {
        let positions = replicas.withLock { $0.values.map(\.progress.position) }.sorted(by: >)
        return positions.count >= count ? positions[count - 1] : nil
    }
}
